import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
export default defineProject({
  test: {
    name: "package-check",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Packing and type-resolving every package takes a while on a 2-core machine.
    testTimeout: 120_000,
  },
});
