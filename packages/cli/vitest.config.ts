import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "cli",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // The CLI tests run the built binary and a browser; both want the machine's two cores to themselves.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
