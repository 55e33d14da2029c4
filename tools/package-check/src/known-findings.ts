import { readFileSync } from "node:fs";
import type { Finding } from "./finding.js";

/** Per package, the checks that are known to fail and the fix each needs. */
export type KnownFindings = Readonly<Record<string, Readonly<Record<string, string>>>>;

export function readKnownFindings(path: string): KnownFindings {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const known: Record<string, Record<string, string>> = {};
  for (const [name, checks] of Object.entries(parsed)) {
    if (name.startsWith("$")) continue;
    if (typeof checks !== "object" || checks === null) throw new Error(`${path}: ${name} must map check ids to fixes`);
    known[name] = checks as Record<string, string>;
  }
  return known;
}

/** The findings that are not known, and the known ones that no longer occur. */
export function compareWithKnown(
  name: string,
  findings: readonly Finding[],
  known: KnownFindings,
): { readonly unexpected: Finding[]; readonly resolved: string[] } {
  const expected = known[name] ?? {};
  const seen = new Set(findings.map((f) => f.check));
  return {
    unexpected: findings.filter((f) => !Object.hasOwn(expected, f.check)),
    resolved: Object.keys(expected).filter((check) => !seen.has(check)),
  };
}
