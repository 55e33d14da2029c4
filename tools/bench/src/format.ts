import type { Spread } from "./stats.js";

/** A number with thousands separators and `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `median (min–max)`. */
export function range(spread: Spread, digits = 0): string {
  return `${num(spread.median, digits)} (${num(spread.min, digits)}–${num(spread.max, digits)})`;
}

export function mib(bytes: number, digits = 1): string {
  return `${num(bytes / 2 ** 20, digits)} MiB`;
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Rotates a list by `by`, so each round runs the variants in a different order. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
