import { InvalidArgumentError, Stream, type StreamEntry } from "@dashlog/core";
import type { WindowRow } from "./log-window.js";
import { checkLimit, checkOptions } from "./option-checks.js";

/** One row of a table: what one event appended to each stream. */
export interface TableRow {
  readonly sequenceNumber: number;
  /** The event's wall-clock time, epoch ms. */
  readonly timestamp: number;
  /** Each stream's value for this event, by stream name. */
  readonly values: Readonly<Record<string, unknown>>;
}

export interface TableStorageOptions {
  /**
   * Most rows kept; beyond it the oldest are evicted and counted in `dropped`. Default
   * 10,000 (a run's default `retain`). Each row holds one entry per stream that had a value.
   */
  readonly maxRows?: number | undefined;
}

/** A creation handler for `logWindow` that keeps rows and answers time-range queries. */
export interface TableStorage {
  (row: WindowRow): void;
  readonly size: number;
  /** Rows evicted because the table was full. */
  readonly dropped: number;
  /** Rows with `from <= timestamp <= to` (epoch ms or Dates; both ends included), oldest first. */
  slice(from: number | Date, to: number | Date): TableRow[];
  rows(): TableRow[];
  clear(): void;
}

type Entries = ReadonlyMap<string, StreamEntry>;

function toMs(field: string, value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || Number.isNaN(ms)) {
    throw new InvalidArgumentError(field, value, "must be epoch milliseconds or a valid Date");
  }
  return ms;
}

function toRow(entry: StreamEntry<Entries>): TableRow {
  const values: Record<string, unknown> = {};
  for (const [stream, e] of entry.value) values[stream] = e.value;
  return { sequenceNumber: entry.sequenceNumber, timestamp: entry.timestamp, values };
}

/**
 * Keeps each row a `logWindow` hands it (the original's TableStorage) and answers
 * time-range slices with a binary search. Rows stay after the window prunes the streams:
 * the table is the longer memory, bounded by `maxRows`. Events that appended nothing
 * make no row.
 *
 * Cost per event: one small object appended (the row's entries are kept as they are;
 * the `values` objects are built only when rows are read).
 */
export function tableStorage(options?: TableStorageOptions): TableStorage {
  const opts = checkOptions("tableStorage", options);
  const maxRows = checkLimit("tableStorage option maxRows", opts.maxRows, 10_000);
  let rows = new Stream<Entries>("table", maxRows);
  // A run's timestamps never decrease; rows from elsewhere might, and then slices scan.
  let sorted = true;

  const store = (row: WindowRow): void => {
    if (row.entries.size === 0) return;
    const last = rows.last;
    if (last !== undefined && row.event.timestamp < last.timestamp) sorted = false;
    rows.push({ sequenceNumber: row.event.sequenceNumber, timestamp: row.event.timestamp, value: row.entries });
  };

  // First index whose timestamp is >= ms (rows.length when none).
  const lowerBound = (ms: number): number => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows.at(mid)?.timestamp ?? Number.POSITIVE_INFINITY) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const slice = (from: number | Date, to: number | Date): TableRow[] => {
    const fromMs = toMs("tableStorage slice from", from);
    const toMsValue = toMs("tableStorage slice to", to);
    const out: TableRow[] = [];
    if (!sorted) {
      for (const entry of rows) if (entry.timestamp >= fromMs && entry.timestamp <= toMsValue) out.push(toRow(entry));
      return out;
    }
    for (let i = lowerBound(fromMs); i < rows.length; i++) {
      const entry = rows.at(i);
      if (entry === undefined || entry.timestamp > toMsValue) break;
      out.push(toRow(entry));
    }
    return out;
  };

  return Object.defineProperties(
    Object.assign(store, {
      slice,
      rows: (): TableRow[] => rows.toArray().map(toRow),
      clear: (): void => {
        rows = new Stream<Entries>("table", maxRows);
        sorted = true;
      },
    }),
    {
      size: { get: () => rows.length, enumerable: true },
      dropped: { get: () => rows.dropped, enumerable: true },
    },
  ) as TableStorage;
}
