import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Packs `packageDir` with pnpm, as `changeset publish` does (so `workspace:` ranges are
 * replaced as on npm), into `destination`; returns the tarball's bytes.
 */
export async function packPackage(packageDir: string, destination: string): Promise<Uint8Array> {
  return (await packToFile(packageDir, destination)).bytes;
}

/** As `packPackage`, with the path of the tarball it left in `destination`. */
export async function packToFile(packageDir: string, destination: string): Promise<{ path: string; bytes: Uint8Array }> {
  let stdout: string;
  try {
    ({ stdout } = await run("pnpm", ["pack", "--pack-destination", destination, "--json"], {
      cwd: packageDir,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const e = error as { code?: unknown; stderr?: string; message: string };
    if (e.code === "ENOENT") throw new Error("pnpm is not on PATH: install it (npm i -g pnpm) to pack packages");
    throw new Error(`pnpm pack failed in ${packageDir}: ${e.stderr || e.message}`);
  }
  // pnpm may print warnings before the JSON document.
  const json = stdout.slice(stdout.indexOf("{"));
  const filename = (JSON.parse(json) as { filename?: unknown }).filename;
  if (typeof filename !== "string") throw new Error(`pnpm pack in ${packageDir} printed no tarball filename: ${stdout}`);
  return { path: filename, bytes: new Uint8Array(await readFile(filename)) };
}
