import type { ReportLogRow } from "./report-data.js";

const IMPORTANT = new Set(["warn", "error", "fatal"]);

interface Kept {
  readonly row: ReportLogRow;
  /** Its place in the log: rows are put back in log order, which a joined run's sequence numbers are not. */
  readonly ordinal: number;
}

/**
 * Keeps at most `max` log rows for the page: every row when they fit; otherwise warnings and
 * worse first (up to `max`), and the most recent of the rest. Memory stays at about `max` rows.
 */
export class LogRows {
  readonly #max: number;
  readonly #important: Kept[] = [];
  readonly #recent: Kept[] = [];
  #total = 0;

  constructor(max: number) {
    this.#max = max;
  }

  add(row: ReportLogRow): void {
    const ordinal = this.#total++;
    if (this.#max === 0) return;
    if (IMPORTANT.has(row[2])) {
      if (this.#important.length < this.#max) this.#important.push({ row, ordinal });
      return;
    }
    this.#recent.push({ row, ordinal });
    // Trimming in halves keeps this amortised O(1) instead of a shift per row.
    if (this.#recent.length >= 2 * this.#max) this.#recent.splice(0, this.#recent.length - this.#max);
  }

  /** The kept rows in log order (the order they were added). */
  result(): { rows: ReportLogRow[]; total: number; omitted: number } {
    const room = Math.max(0, this.#max - this.#important.length);
    const recent = room === 0 ? [] : this.#recent.slice(-room);
    const rows = [...this.#important, ...recent].sort((a, b) => a.ordinal - b.ordinal).map((k) => k.row);
    return { rows, total: this.#total, omitted: this.#total - rows.length };
  }
}
