import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "docs",
    include: ["test/**/*.test.ts"],
  },
});
