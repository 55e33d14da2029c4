import { InvalidArgumentError } from "./errors.js";
import { isPlainObject, type JsonObject, type JsonValue } from "./json.js";
import { ROOT_METRIC, metricBatchStream, type MetricPointRecord } from "./metric-batches.js";
import { IsoTime, storesMetrics, type MetricsContext } from "./metrics-context.js";
import { normalizeMetadata } from "./metadata.js";
import { validateStreamName } from "./prefix.js";

/** One named series: `exp.metrics("train")`. */
export interface MetricSeries {
  readonly name: string;
  /** The index the next point gets. */
  readonly nextIndex: number;
  /**
   * Appends one point (`{ loss: 0.3, accuracy: 0.9, step: 100 }`) and returns its index.
   * The data is copied and checked like metadata (JSON only; a typed InvalidMetadataError
   * names the path of a value that is not), then queued: nothing waits for the disk.
   */
  log(data: Readonly<Record<string, unknown>>): number;
}

/**
 * `exp.metrics`: call it with a name for a series, or use `log` to write several at once,
 * as ml-dash does: `exp.metrics.log({ epoch, train: { loss }, eval: { loss } })` appends
 * `{ epoch, loss }` to `train` and to `eval`. With only plain values it appends them to
 * the unnamed series (`ROOT_METRIC`).
 */
export interface RunMetrics {
  (name: string): MetricSeries;
  log(data: Readonly<Record<string, unknown>>): void;
  /** Names of the series this run has written to. */
  names(): string[];
}

export function createRunMetrics(context: MetricsContext): RunMetrics {
  const series = new Map<string, Series>();
  const time = new IsoTime();
  const warned = { warned: false };
  const get = (name: string, field: string): Series => {
    let found = series.get(name);
    if (found === undefined) {
      validateStreamName(name, field);
      found = new Series(name, context.opened?.nextIndex[name] ?? 0, context, time, warned);
      series.set(name, found);
    }
    return found;
  };
  const metrics = (name: string): MetricSeries => get(name, "metric name");
  const log = (data: Readonly<Record<string, unknown>>): void => {
    if (!context.isRunning("metrics.log()")) return;
    if (!isPlainObject(data)) throw new InvalidArgumentError("metrics.log() data", data, "must be a plain object like { epoch: 1, train: { loss: 0.3 } }");
    // One copy-and-check of the whole call (so a bad group logs nothing), then each group's
    // point is assembled from it: its plain fields first, then the group's own.
    const normalized = normalizeMetadata(data, "metrics.log() data") as JsonObject;
    const keys = Object.keys(normalized);
    let groups = 0;
    for (const key of keys) if (isPlainObject(normalized[key])) groups++;
    if (groups === 0) {
      get(ROOT_METRIC, "metric name").append(normalized);
      return;
    }
    const targets: [Series, JsonObject][] = [];
    for (const key of keys) {
      const group = normalized[key];
      if (isPlainObject(group)) targets.push([get(key, "metrics.log() key"), group as JsonObject]);
    }
    for (const [target, group] of targets) {
      const point: JsonObject = {};
      for (const key of keys) {
        const value = normalized[key] as JsonValue;
        if (!isPlainObject(value)) setKey(point, key, value);
      }
      for (const key of Object.keys(group)) setKey(point, key, group[key] as JsonValue);
      target.append(point);
    }
  };
  return Object.assign(metrics, { log, names: () => [...series.keys()] });
}

class Series implements MetricSeries {
  readonly name: string;
  readonly #stream: string;
  readonly #context: MetricsContext;
  readonly #time: IsoTime;
  readonly #warned: { warned: boolean };
  readonly #field: string;
  #next: number;

  constructor(name: string, next: number, context: MetricsContext, time: IsoTime, warned: { warned: boolean }) {
    this.name = name;
    this.#stream = metricBatchStream(name);
    this.#next = next;
    this.#context = context;
    this.#time = time;
    this.#warned = warned;
    this.#field = `metrics(${JSON.stringify(name)}) data`;
  }

  get nextIndex(): number {
    return this.#next;
  }

  log(data: Readonly<Record<string, unknown>>): number {
    if (!this.#context.isRunning(`metrics(${JSON.stringify(this.name)}).log()`)) return -1;
    if (!isPlainObject(data)) throw new InvalidArgumentError(this.#field, data, "must be a plain object like { loss: 0.3, step: 100 }");
    return this.append(normalizeMetadata(data, this.#field) as JsonObject);
  }

  /** Queues an already-normalised point. */
  append(data: JsonObject): number {
    const index = this.#next;
    if (!storesMetrics(this.#context, this.#warned)) return index;
    this.#next++;
    const now = this.#context.clock.now();
    const record: MetricPointRecord = { sequenceNumber: index, data, createdAt: this.#time.of(now) };
    this.#context.enqueue(this.#stream, { sequenceNumber: index, timestamp: now, value: record });
    return index;
  }
}

/** A `__proto__` field stays data. */
function setKey(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
