import type { JsonObject, JsonValue } from "./json.js";
import type { RecordBatch } from "./sink.js";

/**
 * Metric points and parameter changes travel through the run's batch processor as batches
 * of their own, beside the streams, so they share its queue, retries, exit-time flush and
 * a sink's spool. Their `stream` keys start with `@`, which no stream name can (a stream
 * name is a safe file name), so no consumer can collide with them.
 */
export const METRIC_BATCH_PREFIX = "@metrics/";
export const PARAMS_BATCH = "@params";

/**
 * The metric `exp.metrics.log({ epoch })` writes to when no group is given. ml-dash files
 * that unnamed series under the folder `None`; dashlog uses the same name so both tools
 * append to one series.
 */
export const ROOT_METRIC = "None";

/** What a batch carries, from its `stream` key. */
export type BatchKind =
  | { readonly kind: "stream"; readonly stream: string }
  | { readonly kind: "metric"; readonly metric: string }
  | { readonly kind: "params" };

/** The batch key of metric `name`. */
export function metricBatchStream(name: string): string {
  return METRIC_BATCH_PREFIX + name;
}

/** Says whether a batch (or a `stream` key) holds stream records, metric points or parameter changes. */
export function batchKind(batchOrStream: RecordBatch | string): BatchKind {
  const stream = typeof batchOrStream === "string" ? batchOrStream : batchOrStream.stream;
  if (stream.charCodeAt(0) !== 64 /* @ */) return { kind: "stream", stream };
  if (stream === PARAMS_BATCH) return { kind: "params" };
  if (stream.startsWith(METRIC_BATCH_PREFIX)) return { kind: "metric", metric: stream.slice(METRIC_BATCH_PREFIX.length) };
  // Reserved for later kinds; treated as a stream so an old sink fails loudly on its name.
  return { kind: "stream", stream };
}

/** True for a batch of an ordinary stream (`logs`, a consumer's stream). */
export function isStreamBatch(batch: RecordBatch): boolean {
  return batch.stream.charCodeAt(0) !== 64;
}

/**
 * One record of a metric batch: `sequenceNumber` is the point's index in its series
 * (0, 1, 2, ... per metric, continuing across runs), so sinks can be idempotent on it
 * exactly as they are for stream records.
 */
export interface MetricPointRecord {
  readonly sequenceNumber: number;
  readonly data: JsonObject;
  /** ISO-8601 UTC, when the point was logged. */
  readonly createdAt: string;
  readonly [field: string]: JsonValue | undefined;
}

/**
 * One record of the params batch: a `params.set()` call, flattened to dotted keys.
 * `sequenceNumber` counts the experiment's parameter changes (ml-dash's `version` minus 1
 * in `parameters.json`), so a retried or replayed change is recognised.
 */
export interface ParamsRecord {
  readonly sequenceNumber: number;
  readonly data: JsonObject;
  readonly updatedAt: string;
  readonly [field: string]: JsonValue | undefined;
}

/**
 * What a sink that stores metrics and parameters says when a run opens. A sink that
 * leaves it out of `RunOpened` does not store them: the run then reports that once on its
 * issue channel and counts the points as dropped.
 */
export interface MetricsOpened {
  /** Per metric name, the index its next point gets (missing: 0). */
  readonly nextIndex: Readonly<Record<string, number>>;
  /** The `sequenceNumber` of the next parameter change. */
  readonly nextParamsIndex: number;
  /** The experiment's parameters so far, flat (`"model.lr"`), so `params.get()` needs no I/O. */
  readonly params: Readonly<Record<string, JsonValue>>;
}
