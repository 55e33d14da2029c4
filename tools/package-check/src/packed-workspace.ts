import { mkdir } from "node:fs/promises";
import { packToFile } from "./pack.js";
import type { WorkspacePackage } from "./published-packages.js";
import { readTarball } from "./tarball.js";

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The tarball on disk, as `pnpm pack` (and so `changeset publish`) makes it. */
  readonly tarball: string;
  readonly packedBytes: number;
  /** Runtime dependencies of the packed manifest, ranges as published. */
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
}

/** Packs every package into `destination`, one after the other (pnpm pack is CPU-bound). */
export async function packWorkspace(packages: readonly WorkspacePackage[], destination: string): Promise<Map<string, PackedPackage>> {
  await mkdir(destination, { recursive: true });
  const packed = new Map<string, PackedPackage>();
  for (const pkg of packages) {
    const { path, bytes } = await packToFile(pkg.dir, destination);
    const manifestBytes = readTarball(bytes).get("package.json");
    if (manifestBytes === undefined) throw new Error(`the tarball of ${pkg.name} has no package.json`);
    const manifest = JSON.parse(Buffer.from(manifestBytes).toString("utf8")) as {
      version: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    packed.set(pkg.name, {
      name: pkg.name,
      version: manifest.version,
      tarball: path,
      packedBytes: bytes.byteLength,
      dependencies: manifest.dependencies ?? {},
      peerDependencies: manifest.peerDependencies ?? {},
    });
  }
  return packed;
}
