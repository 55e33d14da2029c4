import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { checkPublishedPackage } from "../src/check-package.js";
import { GOOD_FILES, GOOD_MANIFEST, fixturePackage } from "./fixture-package.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function check(files: Record<string, string | object>) {
  const pkg = await fixturePackage(files);
  dirs.push(pkg.dir);
  return checkPublishedPackage(pkg);
}

describe("checkPublishedPackage (pnpm pack, publint, are-the-types-wrong, own checks)", () => {
  it("passes a minimal, correct ESM package and lists what it packed", async () => {
    const report = await check(GOOD_FILES);
    expect(report.findings).toEqual([]);
    expect(report.files).toEqual(["LICENSE", "README.md", "dist/index.d.ts", "dist/index.js", "package.json"]);
  });

  it("finds what is wrong in a broken package, from every checker", async () => {
    const report = await check({
      ...GOOD_FILES,
      "package.json": {
        ...GOOD_MANIFEST,
        sideEffects: undefined,
        exports: {
          ".": { import: "./dist/index.js", types: "./dist/index.d.ts" },
          "./extra": { types: "./dist/extra.d.ts", import: "./dist/extra.js" },
          "./untyped": { import: "./dist/untyped.js" },
        },
        files: ["dist", "src"],
      },
      "dist/index.js": "export const answer = 42;\n//# sourceMappingURL=index.js.map\n",
      "dist/index.js.map": JSON.stringify({ version: 3, sources: ["../src/index.ts"], mappings: "" }),
      "dist/index.test.js": "",
      "dist/untyped.js": "export const u = 1;\n",
      "src/index.ts": "export const answer = 42;\n",
    });
    const checks = new Set(report.findings.map((f) => f.check));
    expect([...checks].sort()).toEqual(
      expect.arrayContaining([
        "manifest:side-effects",
        "files:not-for-users",
        "files:unexpected",
        "exports:types-order",
        "exports:target-missing",
        "exports:no-default",
        "exports:no-types",
        "publint:EXPORTS_TYPES_SHOULD_BE_FIRST",
        "publint:FILE_DOES_NOT_EXIST",
        "attw:UntypedResolution",
      ]),
    );
    expect(report.findings.find((f) => f.check === "files:unexpected")?.message).toMatch(/^src\/index\.ts is published/);
    // The map's source is published here (src/ is in "files"), so that one is not reported.
    expect(checks.has("files:map-source-missing")).toBe(false);
  });
});
