import { UsageError } from "./usage-error.js";

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A point in time from `--since`/`--until`: a duration back from `now` (`90s`, `10m`, `2h`,
 * `1d`, `1h30m`) or an ISO-8601 timestamp (`2025-10-29T10:30:00Z`, `2025-10-29`).
 */
export function parseTimeArgument(text: string, option: string, now: number): number {
  const trimmed = text.trim();
  if (/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) {
    let total = 0;
    for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) {
      total += Number(match[1]) * (UNITS[match[2] as string] as number);
    }
    return now - total;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (!Number.isNaN(time)) return time;
  }
  throw new UsageError(
    `${option} must be a duration such as 90s, 10m, 2h, 1d (back from now) or an ISO-8601 time such as 2025-10-29T10:30:00Z; got ${JSON.stringify(text)}`,
  );
}
