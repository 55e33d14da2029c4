import type { MetricReader, RecordReader, RunRecord } from "@dashlog/core";
import type { PositionedReader } from "./dashboard/positioned-reader.js";
import type { WatchChanges } from "./dashboard/store-watch.js";

/** ml-dash's tracks (`tracks/<topic>/data.jsonl`), read-only; only local trees have them. */
export interface TrackSource {
  listTracks(prefix: string): Promise<readonly { readonly name: string; readonly rows: number }[]>;
  readTrack(prefix: string, name: string, options?: { readonly signal?: AbortSignal | undefined }): AsyncIterable<Record<string, unknown>>;
}

/**
 * What the CLI needs of a storage backend: core's RecordReader for the records, plus the
 * listing that RecordReader leaves out (which experiments and streams exist, their runs).
 */
export interface ExperimentStore {
  readonly reader: RecordReader;
  /** Metrics and parameters (`exp.metrics`, `exp.params`, and ml-dash's). */
  readonly metrics: MetricReader;
  /** ml-dash's tracks, where the store can have them. */
  readonly tracks?: TrackSource | undefined;
  /**
   * Reading from a resumable position, when the store has a better one than sequence
   * numbers (byte offsets of local files). The dashboard pages through it.
   */
  readonly positioned?: PositionedReader | undefined;
  /**
   * True when the store reads one worker's metric points from an index, costing only those
   * points (MongoDB); a local file is scanned whole by every read, whatever its bounds.
   */
  readonly indexedMetricReads?: boolean | undefined;
  /** Where the data is, for messages: a folder, or a MongoDB URI without credentials. */
  readonly location: string;
  /** Every experiment prefix, sorted. */
  listExperiments(): Promise<string[]>;
  /** True when the experiment has any stream, run, metric or parameter (or, locally, ml-dash's experiment.json or tracks). */
  hasExperiment(prefix: string): Promise<boolean>;
  /** Stream names of one experiment, sorted, `logs` first. */
  listStreams(prefix: string): Promise<string[]>;
  /** Every run with its latest status, oldest first; a reader that knows a run crashed adds `effectiveStatus` (shown by `serve` and `report`). */
  runs(prefix: string): Promise<RunRecord[]>;
  /** How many records a stream holds (lines for a file, documents in MongoDB). */
  countRecords(prefix: string, stream: string): Promise<number>;
  /** Change notifications for `dashlog serve`'s live feed, where the store has them (it polls otherwise). */
  readonly watchChanges?: WatchChanges | undefined;
  close(): Promise<void>;
}

/** `logs` first, the rest alphabetically: the order every listing uses. */
export function sortStreams(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (a === "logs" ? -1 : b === "logs" ? 1 : a.localeCompare(b)));
}
