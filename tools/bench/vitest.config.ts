import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "bench",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
