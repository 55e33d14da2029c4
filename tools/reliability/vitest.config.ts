import { defineProject } from "vitest/config";

// Vitest requires a default export here; library code uses named exports only.
// Every property test runs with one seed per run, set (and printable) in property-seed.ts.
export default defineProject({ test: { name: "reliability", include: ["test/**/*.test.ts"], setupFiles: ["test/support/property-seed.ts"] } });
