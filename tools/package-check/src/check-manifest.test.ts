import { expect, it } from "vitest";
import { checkManifest } from "./check-manifest.js";

const complete = {
  license: "MIT",
  type: "module",
  engines: { node: ">=20.19" },
  sideEffects: false,
  files: ["dist"],
  dependencies: { "@dashlog/core": "^0.1.0" },
};

it("accepts a complete manifest with README.md and LICENSE packed", () => {
  expect(checkManifest("p", complete, new Set(["README.md", "LICENSE"]))).toEqual([]);
});

it("names every missing field, file and unpacked workspace range", () => {
  const findings = checkManifest(
    "p",
    { type: "commonjs", sideEffects: true, dependencies: { "@dashlog/core": "workspace:^" } },
    new Set(["package.json"]),
    false,
  );
  expect(findings.map((f) => f.check)).toEqual([
    "folder:license",
    "files:readme",
    "files:license",
    "manifest:license",
    "manifest:type",
    "manifest:engines",
    "manifest:side-effects",
    "manifest:files",
    "manifest:workspace-range",
  ]);
  expect(findings.find((f) => f.check === "manifest:workspace-range")?.message).toBe(
    'dependencies.@dashlog/core is still "workspace:^" in the packed package.json: pack with pnpm',
  );
  expect(findings.find((f) => f.check === "manifest:side-effects")?.message).toMatch(/got true$/);
});
