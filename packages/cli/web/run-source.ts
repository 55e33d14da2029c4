import type { LiveChange, LogPage, LogQuery, ReportChart, ReportTimeline, RunOverview } from "../src/report/report-data.js";

/**
 * Where a run page gets its data: the JSON embedded in a report file, or `dashlog serve`'s
 * API. The page is drawn by the same code either way.
 */
export interface RunSource {
  /** True when new records can arrive (a served page); false for a report file. */
  readonly live: boolean;
  overview(): Promise<RunOverview>;
  charts(): Promise<readonly ReportChart[]>;
  timeline(): Promise<ReportTimeline>;
  /** Unfiltered rows `first` to `first + count - 1` in log order (0 is the oldest record), oldest first. */
  logRange(first: number, count: number): Promise<LogPage>;
  /** Rows matching `query`, newest first, continuing from `cursor` (null: from the newest). */
  logSearch(query: LogQuery, cursor: string | null, limit: number): Promise<LogPage>;
  /** Chart `id` over x from `from` to `to` at full resolution; absent for a report file (it has only its buckets). */
  readonly chartDetail?: ((id: string, from: number, to: number) => Promise<ReportChart | null>) | undefined;
  /** Calls `onChange` when the run has new records or a new status; returns the unsubscribe. */
  subscribe(onChange: (change: LiveChange) => void): () => void;
  /** Rows the source does not have at all (a report keeps up to --max-rows), for a note. */
  readonly omittedRows: number;
}

export function isFiltered(query: LogQuery): boolean {
  return query.levels !== undefined || query.workers !== undefined || (query.text !== undefined && query.text !== "") || query.since !== undefined || query.until !== undefined;
}
