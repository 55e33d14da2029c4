import { expect, it } from "vitest";
import { checkInternalRanges, satisfies } from "./internal-ranges.js";
import type { PackedPackage } from "./packed-workspace.js";

it("reads caret ranges as npm does, 0.x included", () => {
  expect(satisfies("0.1.5", "^0.1.0")).toBe(true);
  expect(satisfies("0.2.0", "^0.1.0")).toBe(false);
  expect(satisfies("0.0.1", "^0.0.0")).toBe(false);
  expect(satisfies("1.4.0", "^1.2.3")).toBe(true);
  expect(satisfies("2.0.0", "^1.2.3")).toBe(false);
  expect(satisfies("0.3.0", ">=0.1.0")).toBe(true);
  expect(satisfies("0.1.0", "0.1.0")).toBe(true);
  expect(satisfies("0.1.1", "~0.1.0")).toBe(true);
  expect(satisfies("0.1.0", "workspace:^")).toBe(false);
});

it("names a dependency the released version does not satisfy, and mixed versions", () => {
  const pkg = (name: string, version: string, dependencies: Record<string, string> = {}): [string, PackedPackage] => [
    name,
    { name, version, tarball: "", packedBytes: 0, dependencies, peerDependencies: {} },
  ];
  const packed = new Map([pkg("@d/core", "0.0.0"), pkg("@d/cli", "0.1.0", { "@d/core": "^0.1.0", zod: "^4" })]);
  expect(checkInternalRanges(packed)).toEqual([
    "published packages have different versions: @d/core@0.0.0, @d/cli@0.1.0",
    '@d/cli@0.1.0 dependencies.@d/core is "^0.1.0", which @d/core@0.0.0 does not satisfy',
  ]);
});
