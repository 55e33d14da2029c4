import { InvalidArgumentError } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";
import type { ReadIssue } from "./reader.js";
import { WORKER_NAME_RULE, isWorkerName } from "./worker-identity.js";

/** One point of a metric series as readers return it (ml-dash's `{ index, data, createdAt }`). */
export interface MetricPoint {
  readonly index: number;
  readonly data: JsonObject;
  /** ISO-8601 UTC as stored (ml-dash writes microseconds); null when the point has none. */
  readonly createdAt: string | null;
  /**
   * The worker that logged it, for a point of a joined run (several processes writing one run,
   * see `RunInfo.worker`); absent for a run of its own. In a joined run `index` counts that
   * worker's points of the series: (worker, index) is what identifies a point there.
   */
  readonly worker?: string | undefined;
}

/** A metric series of an experiment, as listed. */
export interface MetricInfo {
  readonly name: string;
  /** Points stored (what a read without bounds yields). */
  readonly totalDataPoints: number;
  /** One past the highest index stored. */
  readonly nextIndex: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** The experiment's parameters, flat (`"model.lr"`). */
export interface ParamsSnapshot {
  readonly data: Readonly<Record<string, JsonValue>>;
  /** How many changes made them (ml-dash's `version`). */
  readonly version: number;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/** Bounds of a metric read; all inclusive. */
export interface MetricReadOptions {
  readonly fromIndex?: number | undefined;
  readonly toIndex?: number | undefined;
  /** Earliest `createdAt` (Date, ISO string or epoch ms). */
  readonly since?: Date | string | number | undefined;
  /** Latest `createdAt` (Date, ISO string or epoch ms). */
  readonly until?: Date | string | number | undefined;
  /** Only the points this worker of a joined run logged (the per-worker view); all points when absent. */
  readonly worker?: string | undefined;
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface MetricFollowOptions extends MetricReadOptions {
  /** How often to look for new points. Default 250 ms. */
  readonly pollIntervalMs?: number | undefined;
  /** Start with the last N matching points instead of the whole series. */
  readonly tail?: number | undefined;
}

/**
 * The read side of metrics and parameters, implemented by the local JSONL reader and the
 * MongoDB reader; the CLI, the report and the dashboard use only this.
 */
export interface MetricReader {
  /** Every metric of the experiment, by name. */
  listMetrics(prefix: string): Promise<MetricInfo[]>;
  /** Matching points of one metric, by index. */
  readMetric(prefix: string, name: string, options?: MetricReadOptions): AsyncIterable<MetricPoint>;
  /** The last `n` matching points, oldest first. */
  tailMetric(prefix: string, name: string, n: number, options?: MetricReadOptions): Promise<MetricPoint[]>;
  /** Matching points as they arrive, until `signal` aborts. */
  followMetric(prefix: string, name: string, options?: MetricFollowOptions): AsyncIterable<MetricPoint>;
  /** The parameters, or null when the experiment has none. */
  readParams(prefix: string): Promise<ParamsSnapshot | null>;
}

/** MetricReadOptions checked once (errors name the option), so matching a point is cheap. */
export interface MetricFilter {
  readonly fromIndex: number | undefined;
  readonly toIndex: number | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly worker: string | undefined;
}

export function compileMetricFilter(options: MetricReadOptions = {}): MetricFilter {
  return {
    fromIndex: index(options.fromIndex, "fromIndex"),
    toIndex: index(options.toIndex, "toIndex"),
    since: time(options.since, "since"),
    until: time(options.until, "until"),
    worker: workerName(options.worker),
  };
}

export function matchesMetricFilter(point: MetricPoint, filter: MetricFilter): boolean {
  if (filter.fromIndex !== undefined && point.index < filter.fromIndex) return false;
  if (filter.toIndex !== undefined && point.index > filter.toIndex) return false;
  if (filter.worker !== undefined && point.worker !== filter.worker) return false;
  if (filter.since !== undefined || filter.until !== undefined) {
    const at = point.createdAt === null ? Number.NaN : Date.parse(point.createdAt);
    if (Number.isNaN(at)) return false;
    if (filter.since !== undefined && at < filter.since) return false;
    if (filter.until !== undefined && at > filter.until) return false;
  }
  return true;
}

function index(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(field, value, "must be a non-negative integer");
  return value;
}

function workerName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isWorkerName(value)) throw new InvalidArgumentError("worker", value, WORKER_NAME_RULE);
  return value;
}

function time(value: Date | string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const at = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : value;
  if (typeof at !== "number" || Number.isNaN(at)) {
    throw new InvalidArgumentError(field, value, "must be a Date, an ISO-8601 string or epoch milliseconds");
  }
  return at;
}
