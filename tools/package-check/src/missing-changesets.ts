import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publishedPackages } from "./published-packages.js";

export interface ChangesetCoverage {
  /** What the work tree is compared with: a commit, or undefined outside git. */
  readonly base: string | undefined;
  /** Published packages whose shipped files changed since `base` (committed, staged, unstaged or untracked). */
  readonly changed: readonly string[];
  /** Of those, the ones no changeset added since `base` names: the contributor forgot them. */
  readonly missing: readonly string[];
}

// Files that never reach a user: tests, fixtures, benchmarks and tool configuration.
const NOT_SHIPPED = /(?:^|\/)(?:test|tests|__tests__|fixtures|bench)\/|\.(?:test|spec|bench)\.[cm]?[jt]s$|(?:^|\/)(?:vitest\.config\.[cm]?[jt]s|tsconfig(?:\.[a-z]+)?\.json|\.gitignore)$/;

/**
 * Which changed published packages lack a changeset. `base` defaults to
 * `$DASHLOG_CHANGESET_BASE`, else where the branch left `origin/main` (or `main`); on main
 * itself that is HEAD, so only what is not committed yet counts. Unlike `changeset status`,
 * this sees untracked files and is not satisfied by pending changesets of other packages.
 */
export function checkChangesetCoverage(root: string, base?: string): ChangesetCoverage {
  const git = (...args: string[]): string | undefined => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
      return undefined;
    }
  };
  const from = base ?? process.env["DASHLOG_CHANGESET_BASE"] ?? defaultBase(git);
  if (from === undefined) return { base: undefined, changed: [], missing: [] };
  const files = [
    ...lines(git("diff", "--name-only", "--no-renames", from)),
    ...lines(git("ls-files", "--others", "--exclude-standard")),
  ];
  const packages = publishedPackages(root).map((pkg) => ({ ...pkg, path: `${pkg.dir.slice(root.length).replace(/^[\\/]+/, "").replace(/\\/g, "/")}/` }));
  const changed = new Set<string>();
  for (const file of files) {
    const pkg = packages.find((p) => file.startsWith(p.path));
    if (pkg !== undefined && !NOT_SHIPPED.test(file.slice(pkg.path.length))) changed.add(pkg.name);
  }
  // A release commit (`changeset version`) consumes the changesets and bumps the version; a
  // new package (no package.json at base) still needs its first changeset.
  for (const pkg of packages) {
    const then = versionAt(git, from, `${pkg.path}package.json`);
    if (changed.has(pkg.name) && then !== undefined && then !== String(pkg.manifest["version"])) changed.delete(pkg.name);
  }
  const named = new Set<string>();
  for (const file of files) {
    if (!/^\.changeset\/[^/]+\.md$/.test(file) || file === ".changeset/README.md" || !existsSync(join(root, file))) continue;
    for (const name of changesetPackages(readFileSync(join(root, file), "utf8"))) named.add(name);
  }
  const sorted = [...changed].sort();
  return { base: from, changed: sorted, missing: sorted.filter((name) => !named.has(name)) };
}

/** The package names in a changeset's front matter (`"@dashlog/core": minor`). */
export function changesetPackages(text: string): string[] {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? "";
  return [...front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(?:major|minor|patch|none)\s*$/gm)].map((m) => m[1] ?? "");
}

function defaultBase(git: (...args: string[]) => string | undefined): string | undefined {
  for (const ref of ["origin/main", "main"]) {
    const base = git("merge-base", "HEAD", ref)?.trim();
    if (base) return base;
  }
  return git("rev-parse", "HEAD")?.trim() || undefined;
}

function versionAt(git: (...args: string[]) => string | undefined, commit: string, path: string): string | undefined {
  const text = git("show", `${commit}:${path}`);
  if (text === undefined) return undefined;
  try {
    return String((JSON.parse(text) as { version?: unknown }).version);
  } catch {
    return undefined;
  }
}

function lines(text: string | undefined): string[] {
  return (text ?? "").split("\n").filter((line) => line !== "");
}
