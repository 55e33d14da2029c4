import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkExports } from "./check-exports.js";
import { checkFiles } from "./check-files.js";
import { checkManifest } from "./check-manifest.js";
import { checkReadmeLinks } from "./check-readme-links.js";
import type { Finding } from "./finding.js";
import { packPackage } from "./pack.js";
import type { WorkspacePackage } from "./published-packages.js";
import { runAttw } from "./run-attw.js";
import { runPublint } from "./run-publint.js";
import { readTarball } from "./tarball.js";

export interface PackageReport {
  readonly package: string;
  /** Every published path, sorted. */
  readonly files: readonly string[];
  readonly findings: readonly Finding[];
}

/** Packs one package as it would be published and runs every check on the tarball. */
export async function checkPublishedPackage(pkg: WorkspacePackage): Promise<PackageReport> {
  const destination = await mkdtemp(join(tmpdir(), "dashlog-pack-"));
  try {
    const tarball = await packPackage(pkg.dir, destination);
    const files = readTarball(tarball);
    const packedManifest = files.get("package.json");
    if (packedManifest === undefined) throw new Error(`the tarball of ${pkg.name} has no package.json`);
    const manifest = JSON.parse(Buffer.from(packedManifest).toString("utf8")) as Record<string, unknown>;
    const paths = new Set(files.keys());
    const readme = files.get("README.md");
    const findings = [
      // pnpm pack copies the root LICENSE into a package that has none; the folder itself must have one too.
      ...checkManifest(pkg.name, manifest, paths, existsSync(join(pkg.dir, "LICENSE"))),
      ...checkFiles(pkg.name, files, manifest),
      ...checkExports(pkg.name, manifest, paths),
      ...(readme === undefined ? [] : checkReadmeLinks(pkg.name, Buffer.from(readme).toString("utf8"))),
      ...(await runPublint(pkg.name, tarball)),
      ...(await runAttw(pkg.name, tarball)),
    ];
    return { package: pkg.name, files: [...paths].sort(), findings };
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}
