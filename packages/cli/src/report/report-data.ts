import type { Level } from "@dashlog/core";

/** Everything the report page shows, embedded in it as JSON. Plain data: the page renders it. */
export interface ReportData {
  readonly prefix: string;
  readonly generatedAt: string;
  readonly version: string;
  readonly status: "RUNNING" | "COMPLETED" | "FAILED" | "UNKNOWN";
  readonly runs: readonly ReportRun[];
  readonly summary: ReportSummary;
  readonly timeline: ReportTimeline;
  readonly charts: readonly ReportChart[];
  readonly logs: ReportLogs;
}

export interface ReportRun {
  readonly runId: string;
  readonly status: "RUNNING" | "COMPLETED" | "FAILED";
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly firstSequenceNumber: number;
  readonly nextSequenceNumber: number | null;
  readonly error: { readonly name: string; readonly message: string } | null;
  readonly hostname: string | null;
  readonly pid: number | null;
}

export interface ReportSummary {
  readonly records: number;
  readonly levels: Readonly<Record<Level, number>>;
  /** Epoch ms of the first and last log record. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly streams: readonly { readonly name: string; readonly records: number }[];
  /** Lines that could not be read (torn, malformed, invalid), over every stream read. */
  readonly unreadable: number;
}

export interface ReportSpan {
  /** Index into `lanes`. */
  readonly lane: number;
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
  /** One row per category; overlapping spans of a category get extra rows (`io (2)`). */
  readonly lanes: readonly string[];
  readonly spans: readonly ReportSpan[];
  /** Spans left out to keep the page small (the longest are kept). */
  readonly omitted: number;
}

export interface ReportChart {
  readonly id: string;
  /** `metadata`: values logged in metadata (the run's own metrics); `stream`: a consumer's stream (the system). */
  readonly kind: "metadata" | "stream";
  readonly title: string;
  readonly subtitle: string;
  readonly unit: "bytes" | "percent" | "ms" | "number";
  /** `time`: x is epoch ms; `value`: x is a metadata value such as `epoch`. */
  readonly x: "time" | "value";
  readonly xName: string;
  readonly series: readonly { readonly name: string; readonly points: readonly (readonly [number, number])[] }[];
}

/** A log row: sequence number, epoch ms, level, message, metadata as JSON text (or null). */
export type ReportLogRow = readonly [number, number, Level, string, string | null];

export interface ReportLogs {
  readonly rows: readonly ReportLogRow[];
  readonly total: number;
  /** Rows left out (beyond `--max-rows`; warnings and errors are kept first). */
  readonly omitted: number;
}
