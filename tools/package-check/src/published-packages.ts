import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly manifest: Record<string, unknown>;
}

/** The packages under `<root>/packages/*` that are published: every one without `"private": true`. */
export function publishedPackages(root: string): WorkspacePackage[] {
  const packagesDir = join(root, "packages");
  const found: WorkspacePackage[] = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    const dir = join(packagesDir, entry.name);
    const manifestPath = join(dir, "package.json");
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    if (manifest["private"] === true) continue;
    found.push({ name: String(manifest["name"]), dir, manifest });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
