import { defineConfig } from "vitest/config";

// `pnpm --filter @dashlog/bench dashboard`: the dashboard benchmark runs through Vitest because it
// drives the workspace's headless Chromium (@dashlog/test-browser ships TypeScript source).
// It prints a report; it asserts no timing. Vitest requires a default export here.
export default defineConfig({
  test: {
    include: ["dashboard/**/*.bench-run.ts"],
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    reporters: ["default"],
  },
});
