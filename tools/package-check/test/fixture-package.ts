import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { WorkspacePackage } from "../src/published-packages.js";

/** Writes a package folder outside the workspace from a map of paths to contents. */
export async function fixturePackage(files: Record<string, string | object>): Promise<WorkspacePackage> {
  const dir = await mkdtemp(join(tmpdir(), "dashlog-fixture-pkg-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  const manifest = files["package.json"] as Record<string, unknown>;
  return { name: String(manifest["name"]), dir, manifest };
}

export const GOOD_MANIFEST = {
  name: "@fixture/good",
  version: "1.0.0",
  license: "MIT",
  type: "module",
  sideEffects: false,
  engines: { node: ">=20.19" },
  exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" }, "./package.json": "./package.json" },
  files: ["dist", "!dist/**/*.test.*", "README.md"],
};

export const GOOD_FILES = {
  "package.json": GOOD_MANIFEST,
  "README.md": "# good\n",
  LICENSE: "MIT\n",
  "dist/index.js": "export const answer = 42;\n",
  "dist/index.d.ts": "export declare const answer: number;\n",
};
