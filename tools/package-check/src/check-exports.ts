import { posix } from "node:path";
import type { Finding } from "./finding.js";

const RUNTIME_CONDITIONS = new Set(["import", "require", "default", "node", "module"]);

/**
 * What attw would check, done from the tarball alone: `exports` exists, every target is a
 * published file, every runtime condition has a `types` sibling listed first that points
 * at a declaration file, and the package is declared ESM-only correctly: no `require`
 * condition, which would promise a CommonJS build that does not exist, but a `default`
 * beside every `import`: CommonJS callers on Node ≥ 20.19 reach the ESM files through it and
 * Node's require(esm), and without it `require` fails with ERR_PACKAGE_PATH_NOT_EXPORTED
 * although TypeScript accepts the import.
 */
export function checkExports(name: string, manifest: Record<string, unknown>, files: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const add = (check: string, message: string) => findings.push({ package: name, check, message });
  const exportsField = manifest["exports"];
  if (typeof exportsField !== "object" || exportsField === null || Array.isArray(exportsField)) {
    add("exports:missing", 'package.json has no "exports" map: add { ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" } }');
    return findings;
  }
  for (const [subpath, value] of Object.entries(exportsField as Record<string, unknown>)) {
    if (!subpath.startsWith(".")) {
      add("exports:shape", `"exports" mixes subpaths and conditions (key ${JSON.stringify(subpath)}): use { ".": { ...conditions } }`);
      continue;
    }
    walk(`exports[${JSON.stringify(subpath)}]`, value);
  }
  return findings;

  function walk(where: string, value: unknown): void {
    if (typeof value === "string") {
      const file = posix.normalize(value);
      if (!files.has(file)) add("exports:target-missing", `${where} is ${value}, which is not in the tarball (build first, or fix the path)`);
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      add("exports:shape", `${where} must be a path or an object of conditions, got ${JSON.stringify(value)}`);
      return;
    }
    const conditions = value as Record<string, unknown>;
    const keys = Object.keys(conditions);
    const runtime = keys.filter((key) => RUNTIME_CONDITIONS.has(key) && isScript(conditions[key]));
    if (runtime.length > 0) {
      const types = conditions["types"];
      if (types === undefined) add("exports:no-types", `${where} has ${runtime.join(", ")} but no "types" condition`);
      else if (keys[0] !== "types") add("exports:types-order", `${where}.types must be the first condition (TypeScript takes the first match), it is at position ${keys.indexOf("types") + 1}`);
      if (typeof types === "string" && !/\.d\.[mc]?ts$/.test(types)) add("exports:types-target", `${where}.types is ${types}, not a declaration file`);
    }
    if (isScript(conditions["import"]) && conditions["default"] === undefined) {
      add(
        "exports:no-default",
        `${where} has "import" but no "default": require() from CommonJS fails with ERR_PACKAGE_PATH_NOT_EXPORTED; add "default": ${JSON.stringify(conditions["import"])} after it`,
      );
    }
    if (isScript(conditions["require"])) {
      add("exports:require", `${where}.require points at ${String(conditions["require"])}: an ESM-only package must not offer a require condition`);
    }
    for (const key of keys) walk(`${where}.${key}`, conditions[key]);
  }
}

function isScript(value: unknown): boolean {
  return typeof value === "string" && /\.[mc]?js$/.test(value);
}
