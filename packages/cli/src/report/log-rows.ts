import type { ReportLogRow } from "./report-data.js";

const IMPORTANT = new Set(["warn", "error", "fatal"]);

/**
 * Keeps at most `max` log rows for the page: every row when they fit; otherwise warnings and
 * worse first (up to `max`), and the most recent of the rest. Memory stays at about `max` rows.
 */
export class LogRows {
  readonly #max: number;
  readonly #important: ReportLogRow[] = [];
  readonly #recent: ReportLogRow[] = [];
  #total = 0;

  constructor(max: number) {
    this.#max = max;
  }

  add(row: ReportLogRow): void {
    this.#total++;
    if (this.#max === 0) return;
    if (IMPORTANT.has(row[2])) {
      if (this.#important.length < this.#max) this.#important.push(row);
      return;
    }
    this.#recent.push(row);
    // Trimming in halves keeps this amortised O(1) instead of a shift per row.
    if (this.#recent.length >= 2 * this.#max) this.#recent.splice(0, this.#recent.length - this.#max);
  }

  result(): { rows: ReportLogRow[]; total: number; omitted: number } {
    const room = Math.max(0, this.#max - this.#important.length);
    const recent = room === 0 ? [] : this.#recent.slice(-room);
    const rows = [...this.#important, ...recent].sort((a, b) => a[0] - b[0]);
    return { rows, total: this.#total, omitted: this.#total - rows.length };
  }
}
