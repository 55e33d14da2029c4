import type { Level } from "@dashlog/core";

// The data the dashboard page draws, the same whether it comes embedded in a `dashlog report`
// file or from `dashlog serve`'s API: one shape, one renderer. Types only: the browser bundle
// imports this file too.

/** A run as the store reports it; `status` is shown as given (a store may say CRASHED). */
export interface ReportRun {
  readonly runId: string;
  /** The effective status when the store knows one (CRASHED for a RUNNING run whose writer is gone), else the stored one. */
  readonly status: string;
  /** Why the store judged the run crashed; null otherwise. */
  readonly crashReason: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly firstSequenceNumber: number;
  readonly nextSequenceNumber: number | null;
  readonly error: { readonly name: string; readonly message: string } | null;
  readonly hostname: string | null;
  readonly pid: number | null;
  /** A run joined by several processes: each worker's part, in the order they joined. Absent for a run of its own. */
  readonly workers?: readonly ReportWorker[];
}

/** One worker's part of a joined run. */
export interface ReportWorker {
  readonly worker: string;
  /** What the worker stored: RUNNING until it recorded its end. */
  readonly storedStatus: string;
  /** CRASHED when stored RUNNING and its process is known to be gone; else the stored status. */
  readonly status: string;
  readonly crashReason: string | null;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly error: { readonly name: string; readonly message: string } | null;
  readonly hostname: string | null;
  readonly pid: number | null;
  /**
   * Its records in the logs stream, as far as the index has read them; null when another
   * joined run of the experiment had a worker of the same name (records name no run).
   */
  readonly records: number | null;
  /** How many sequence numbers it reserved, in how many blocks. */
  readonly reserved: { readonly numbers: number; readonly blocks: number };
  /** The numbers it reserved and stated it never used; null when it stated none (a crashed worker cannot). */
  readonly unused: readonly { readonly first: number; readonly count: number }[] | null;
  /**
   * Numbers it took from the counter but never recorded in its part (killed between the two
   * steps), as the readers state them; `sharedWith` names other workers short too, when which
   * of them took which numbers cannot be told.
   */
  readonly unrecorded: { readonly ranges: readonly { readonly first: number; readonly count: number }[]; readonly sharedWith: readonly string[] } | null;
}

export interface ReportSummary {
  readonly records: number;
  /** Records read for the level counts, times and charts: below `records` while a large run is first read. */
  readonly parsed: number;
  readonly levels: Readonly<Record<Level, number>>;
  /** Epoch ms of the first and last log record. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly streams: readonly { readonly name: string; readonly records: number }[];
  /** Lines that could not be read (torn, malformed, invalid), over every stream read. */
  readonly unreadable: number;
  /** Log records per worker, for records that name one (joined runs), in the order the workers were first seen; empty otherwise. */
  readonly workers: readonly { readonly worker: string; readonly records: number }[];
}

/** The header of a run page: who, what state, how much. */
export interface RunOverview {
  readonly prefix: string;
  /** The latest run's status, or UNKNOWN when the experiment has no run record. */
  readonly status: string;
  readonly runs: readonly ReportRun[];
  readonly summary: ReportSummary;
  /** Run parameters when the store keeps them (dotted keys); null when it does not. */
  readonly parameters: Readonly<Record<string, unknown>> | null;
}

export interface ReportSpan {
  /** Index into `lanes`. */
  readonly lane: number;
  /** The worker whose records started the span, in a joined run. */
  readonly worker?: string;
  readonly category: string;
  readonly id: string;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
  readonly unfinished: boolean;
  /** Its finish was logged at level error (the span's function threw). */
  readonly failed: boolean;
}

export interface ReportTimeline {
  /** The stream the spans came from, or null when the experiment recorded none. */
  readonly source: string | null;
  /**
   * One row per category; overlapping spans of a category get extra rows (`io (2)`). In a
   * joined run the lanes are grouped by worker and named after it (`0 · epoch`).
   */
  readonly lanes: readonly string[];
  /** In a joined run, the worker of each lane (null for spans of records without one); absent otherwise. */
  readonly laneWorkers?: readonly (string | null)[];
  readonly spans: readonly ReportSpan[];
  /** Spans left out to keep the page small (the longest are kept). */
  readonly omitted: number;
}

export type ChartUnit = "bytes" | "percent" | "ms" | "number" | "count";

export interface ReportChart {
  readonly id: string;
  /** `metadata`: values logged in metadata (the run's own metrics); `stream`: a consumer's stream (the system). */
  readonly kind: "metadata" | "stream";
  readonly title: string;
  readonly subtitle: string;
  /** Every series of a chart has this unit: different units never share an axis. */
  readonly unit: ChartUnit;
  /** `time`: x is epoch ms; `value`: x is a metadata value such as `epoch`. */
  readonly x: "time" | "value";
  readonly xName: string;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
}

/**
 * A log row: sequence number, epoch ms, level, message, metadata as JSON text (or null), and
 * the worker that wrote it when the record names one (joined runs; rows of other runs stay five long).
 */
export type ReportLogRow = readonly [number, number, Level, string, string | null, string?];

export interface ReportLogs {
  readonly rows: readonly ReportLogRow[];
  readonly total: number;
  /** Rows left out (beyond `--max-rows`; warnings and errors are kept first). */
  readonly omitted: number;
}

/** What the log table asks for. Every field narrows; none means every record. */
export interface LogQuery {
  readonly levels?: readonly Level[] | undefined;
  /** Only records written by one of these workers (a joined run's `worker` field). */
  readonly workers?: readonly string[] | undefined;
  /** Case-insensitive text in the message or the metadata. */
  readonly text?: string | undefined;
  /** Epoch ms bounds, inclusive. */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
}

/**
 * One page of the log table, newest first. Without a filter pages are addressed by offset
 * from the newest record (`total` is exact); with one, by the opaque `next` cursor the
 * previous page returned (null: nothing older matches).
 */
export interface LogPage {
  readonly rows: readonly ReportLogRow[];
  readonly total: number;
  readonly next: string | null;
}

/** One experiment on the home page. */
export interface ExperimentListing {
  readonly prefix: string;
  readonly status: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly runs: number;
  /** Records of the logs stream. */
  readonly records: number;
  /** The latest run was joined by several workers: how many, and how many per (effective) status. */
  readonly workers?: { readonly total: number; readonly byStatus: Readonly<Record<string, number>> };
}

/** Everything a `dashlog report` file embeds. */
export interface ReportData {
  readonly generatedAt: string;
  readonly version: string;
  readonly overview: RunOverview;
  readonly timeline: ReportTimeline;
  readonly charts: readonly ReportChart[];
  readonly logs: ReportLogs;
}

/** What `dashlog serve` pushes to a run page when records arrive: the new header, and the newest rows. */
/** The response header of `/api/charts` and `/api/timeline` carrying the version they were computed at (a LiveChange's chartsVersion, timelineVersion). */
export const VERSION_HEADER = "x-dashlog-version";

export interface LiveChange {
  readonly overview: RunOverview;
  /** The rows that arrived (at most the last 100), oldest first; null when only the status moved. */
  readonly newest: LogPage | null;
  /** Change when the charts, or the timeline, would come out different: refetch them only then. */
  readonly chartsVersion: string;
  readonly timelineVersion: string;
}
