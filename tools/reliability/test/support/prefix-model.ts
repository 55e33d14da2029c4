/**
 * An independent model of which prefixes dashlog accepts, from the README's Security notes:
 * `/`-separated segments of (ASCII) letters, digits, `.`, `_` and `-`, none starting or ending
 * with `.`; plus the length limits of packages/core/src/prefix.ts (512 characters, 16 segments,
 * 128 characters a segment), so a prefix always fits in a path on every OS.
 */
export function isAcceptedPrefix(prefix: unknown): prefix is string {
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.length > 512) return false;
  const segments = prefix.split("/");
  return segments.length <= 16 && segments.every(isAcceptedSegment);
}

/** A stream name is one such segment (it becomes `<name>.jsonl`). */
export function isAcceptedSegment(segment: string): boolean {
  return (
    segment.length >= 1 &&
    segment.length <= 128 &&
    /^[A-Za-z0-9._-]+$/.test(segment) &&
    !segment.startsWith(".") &&
    !segment.endsWith(".")
  );
}
