import { expect, it } from "vitest";
import { checkExports } from "./check-exports.js";

const files = new Set(["dist/index.js", "dist/index.d.ts", "package.json"]);

it("accepts types-first conditions that point at published files", () => {
  const manifest = { exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js", default: "./dist/index.js" }, "./package.json": "./package.json" } };
  expect(checkExports("p", manifest, files)).toEqual([]);
});

it("refuses a missing exports map, a require condition on an ESM-only package, and types that are not declarations", () => {
  expect(checkExports("p", {}, files).map((f) => f.check)).toEqual(["exports:missing"]);
  const manifest = { exports: { ".": { types: "./dist/index.js", require: "./dist/index.js" } } };
  expect(checkExports("p", manifest, files).map((f) => f.message)).toEqual([
    'exports["."].types is ./dist/index.js, not a declaration file',
    'exports["."].require points at ./dist/index.js: an ESM-only package must not offer a require condition',
  ]);
});

it("follows nested conditions", () => {
  const manifest = { exports: { ".": { node: { import: "./dist/node.js" } } } };
  expect(checkExports("p", manifest, files).map((f) => f.check)).toEqual(["exports:no-types", "exports:no-default", "exports:target-missing"]);
});

it("asks for a default beside import, so require() from CommonJS finds the entry", () => {
  const manifest = { exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } } };
  expect(checkExports("p", manifest, files).map((f) => f.message)).toEqual([
    'exports["."] has "import" but no "default": require() from CommonJS fails with ERR_PACKAGE_PATH_NOT_EXPORTED; add "default": "./dist/index.js" after it',
  ]);
});
