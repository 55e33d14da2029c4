import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * The CLI tests run the real binary from dist/, so build it first: a stale dist would test
 * yesterday's code. That takes a few seconds (tsc, then esbuild for the dashboard's front-end).
 */
export default function setup(): void {
  const require = createRequire(import.meta.url);
  const cwd = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd, stdio: "inherit" });
  execFileSync(process.execPath, ["build-web.mjs"], { cwd, stdio: "inherit" });
}
