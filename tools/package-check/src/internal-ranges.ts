import type { PackedPackage } from "./packed-workspace.js";

type Version = readonly [number, number, number];

/**
 * Every published package has one version (they are released together, a changesets `fixed`
 * group), and every dependency of one dashlog package on another, as packed, accepts the
 * version it will meet on npm. Returns what is wrong, one sentence each.
 */
export function checkInternalRanges(packed: ReadonlyMap<string, PackedPackage>): string[] {
  const problems: string[] = [];
  const versions = new Set([...packed.values()].map((p) => p.version));
  if (versions.size > 1) {
    problems.push(`published packages have different versions: ${[...packed.values()].map((p) => `${p.name}@${p.version}`).join(", ")}`);
  }
  for (const pkg of packed.values()) {
    for (const [field, deps] of [["dependencies", pkg.dependencies], ["peerDependencies", pkg.peerDependencies]] as const) {
      for (const [name, range] of Object.entries(deps)) {
        const target = packed.get(name);
        if (target === undefined) continue;
        if (!satisfies(target.version, range)) {
          problems.push(`${pkg.name}@${pkg.version} ${field}.${name} is ${JSON.stringify(range)}, which ${name}@${target.version} does not satisfy`);
        }
      }
    }
  }
  return problems;
}

/** npm's semver for the range forms pnpm writes when it packs `workspace:` ranges. */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  const match = /^(\^|~|>=)?(\d+\.\d+\.\d+)$/.exec(range.trim());
  if (v === undefined || match === null) return false;
  const r = parse(match[2] ?? "");
  if (r === undefined) return false;
  if (compare(v, r) < 0) return false;
  switch (match[1]) {
    case undefined:
      return compare(v, r) === 0;
    case ">=":
      return true;
    case "~":
      return v[0] === r[0] && v[1] === r[1];
    default:
      // ^: the left-most non-zero part must stay the same.
      if (r[0] !== 0) return v[0] === r[0];
      if (r[1] !== 0) return v[0] === 0 && v[1] === r[1];
      return v[0] === 0 && v[1] === 0 && v[2] === r[2];
  }
}

function parse(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
