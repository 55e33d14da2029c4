import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "test-browser",
    include: ["src/**/*.test.ts"],
    // The first launch unpacks Chromium (about 60 MB) into the temporary folder.
    testTimeout: 60_000,
  },
});
