import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "remote-mongo",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each file starts its own test server (or database); one file at a time keeps the load to one core.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
