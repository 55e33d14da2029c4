import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "mongo-test-server",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
