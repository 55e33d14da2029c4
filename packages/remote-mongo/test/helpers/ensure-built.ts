import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));

/** Child processes run the built package: rebuild it when a source file is newer than dist. */
export function ensureBuilt(): void {
  const newest = Math.max(...readdirSync(join(packageDir, "src")).map((f) => statSync(join(packageDir, "src", f)).mtimeMs));
  let built = 0;
  try {
    built = statSync(join(packageDir, "dist", "index.js")).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built >= newest) return;
  const tsc = createRequire(join(packageDir, "package.json")).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.build.json")], { cwd: packageDir, stdio: "inherit" });
}
