import { join } from "node:path";
import type { PackedPackage } from "./packed-workspace.js";
import { scratchInstall } from "./scratch-install.js";

export interface InstallSize {
  readonly name: string;
  readonly packedBytes: number;
  /** What `npm i <name>` puts in node_modules: the package and its runtime dependencies. */
  readonly installedBytes: number;
  readonly installedPackages: number;
  readonly installed: readonly string[];
}

/** Installs each package alone into its own scratch project and measures what landed. */
export async function installSizes(packed: ReadonlyMap<string, PackedPackage>, scratchRoot: string): Promise<InstallSize[]> {
  const sizes: InstallSize[] = [];
  for (const pkg of packed.values()) {
    const project = await scratchInstall(join(scratchRoot, pkg.name.replace("/", "__")), packed, [pkg.name], "module");
    sizes.push({
      name: pkg.name,
      packedBytes: pkg.packedBytes,
      installedBytes: project.installedBytes,
      installedPackages: project.installed.length,
      installed: project.installed,
    });
  }
  return sizes;
}

/** A Markdown table of the sizes, as the README records them. */
export function formatInstallSizes(sizes: readonly InstallSize[]): string {
  const kib = (bytes: number) => `${(bytes / 1024).toLocaleString("en-US", { maximumFractionDigits: 0 })} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} MiB`;
  const rows = sizes.map((s) => `| ${s.name} | ${kib(s.packedBytes)} | ${s.installedPackages} | ${mib(s.installedBytes)} |`);
  return ["| package | packed | packages installed | installed size |", "|---|---|---|---|", ...rows].join("\n");
}
