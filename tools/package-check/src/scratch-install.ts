import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PackedPackage } from "./packed-workspace.js";

const run = promisify(execFile);

export interface ScratchProject {
  readonly dir: string;
  /** Every installed package (name@version), sorted. */
  readonly installed: readonly string[];
  /** Bytes of every file under node_modules, as the user's disk holds them (apparent size). */
  readonly installedBytes: number;
}

/**
 * A project outside the workspace that installs `wanted` from their tarballs with plain npm,
 * as a user would: `type` says whether its own files are ESM or CommonJS. Every dashlog
 * package resolves to its tarball (npm `overrides`), never to a same-named package on the
 * registry; everything else comes from the registry.
 */
export async function scratchInstall(
  dir: string,
  packed: ReadonlyMap<string, PackedPackage>,
  wanted: readonly string[],
  type: "module" | "commonjs",
  /** Packages from the registry besides (e.g. a peer dependency such as pino), name to range. */
  fromRegistry: Readonly<Record<string, string>> = {},
): Promise<ScratchProject> {
  await mkdir(dir, { recursive: true });
  const fileSpec = (name: string) => {
    const pkg = packed.get(name);
    if (pkg === undefined) throw new Error(`${name} was not packed`);
    return `file:${pkg.tarball}`;
  };
  const manifest = {
    name: "dashlog-scratch",
    version: "1.0.0",
    private: true,
    type,
    dependencies: { ...fromRegistry, ...Object.fromEntries(wanted.map((name) => [name, fileSpec(name)])) },
    overrides: Object.fromEntries([...packed.keys()].map((name) => [name, fileSpec(name)])),
  };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], {
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
      // npm reads npm_config_* from the environment: the pnpm running these tests sets some of its own.
      env: withoutPackageManagerConfig(process.env),
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`npm install of ${wanted.join(", ")} failed in ${dir}: ${e.stderr || e.message}`);
  }
  const modules = join(dir, "node_modules");
  return { dir, installed: await installedPackages(modules), installedBytes: await folderBytes(modules) };
}

function withoutPackageManagerConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key)));
}

async function installedPackages(modules: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const path = join(folder, entry.name);
      if (entry.name.startsWith("@")) {
        await visit(path);
        continue;
      }
      const manifest = JSON.parse(await readFile(join(path, "package.json"), "utf8")) as { name: string; version: string };
      found.push(`${manifest.name}@${manifest.version}`);
      await visit(join(path, "node_modules"));
    }
  };
  await visit(modules);
  return found.sort();
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
