import type { Paint, Style } from "./color.js";

export interface Cell {
  readonly text: string;
  readonly styles?: readonly Style[];
  readonly align?: "left" | "right";
}

/** Columns padded to their widest cell (measured before colour codes are added). */
export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[], paint: Paint): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.text.length ?? 0)));
  const lines = [header.map((h, i) => paint(h.padEnd(widths[i] ?? 0), "bold")).join("  ").trimEnd()];
  for (const row of rows) {
    const cells = row.map((cell, i) => {
      const width = widths[i] ?? 0;
      const padded = cell.align === "right" ? cell.text.padStart(width) : cell.text.padEnd(width);
      return paint(padded, ...(cell.styles ?? []));
    });
    lines.push(cells.join("  ").trimEnd());
  }
  return `${lines.join("\n")}\n`;
}
