import {
  InvalidArgumentError,
  compileMetricFilter,
  validatePrefix,
  validateStreamName,
  type MetricFilter,
  type MetricFollowOptions,
  type MetricInfo,
  type MetricPoint,
  type MetricReadOptions,
  type MetricReader,
  type ParamsSnapshot,
} from "@dashlog/core";
import { MongoClient, type Collection, type Document } from "mongodb";
import { sleep } from "./backoff.js";
import { fromMetricDocument } from "./metric-document.js";
import { paramsSnapshot } from "./params-snapshot.js";
import { toMongoSinkError } from "./mongo-sink-error.js";
import type { MongoConnectionOptions, ResolvedConnection } from "./mongo-options.js";
import { openReaderConnection } from "./reader-connection.js";

export interface MongoMetricReaderOptions extends MongoConnectionOptions {
  /** Points fetched per query. Default 1,000. */
  readonly pageSize?: number;
}

/**
 * Reads the metric points and parameter changes `mongoSink` stored, through the same
 * MetricReader interface as the local reader. Reads by index use the unique
 * (experiment, metric, index, worker) index, a worker's points (`{ worker }`) the
 * (experiment, metric, worker, index) one; time bounds use (experiment, metric, createdAt).
 * `followMetric` polls, keeping each worker's place: a joined run's workers write at their own pace.
 */
export class MongoMetricReader implements MetricReader {
  readonly redactedUri: string;
  readonly #connection: ResolvedConnection;
  readonly #secrets: readonly string[];
  readonly #client: MongoClient;
  readonly #pageSize: number;

  constructor(options: MongoMetricReaderOptions) {
    const opened = openReaderConnection(options, "mongoMetricReader");
    this.#connection = opened.connection;
    this.#client = opened.client;
    this.#pageSize = opened.pageSize;
    this.#secrets = opened.secrets;
    this.redactedUri = opened.redactedUri;
  }

  async listMetrics(prefix: string): Promise<MetricInfo[]> {
    validatePrefix(prefix);
    const groups = await this.#query("list the metrics", () =>
      this.#metrics()
        .aggregate<Document>([
          { $match: { experiment: prefix } },
          { $group: { _id: "$metric", count: { $sum: 1 }, max: { $max: "$index" }, first: { $min: "$createdAt" }, last: { $max: "$createdAt" } } },
        ])
        .toArray(),
    );
    return groups
      .filter((g) => typeof g["_id"] === "string")
      .map((g) => ({
        name: g["_id"] as string,
        totalDataPoints: typeof g["count"] === "number" ? g["count"] : 0,
        nextIndex: typeof g["max"] === "number" ? g["max"] + 1 : 0,
        createdAt: g["first"] instanceof Date ? g["first"].toISOString() : null,
        updatedAt: g["last"] instanceof Date ? g["last"].toISOString() : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Points in (index, worker) order: a joined run's workers' points of one index side by side, each worker's in index order. */
  async *readMetric(prefix: string, name: string, options: MetricReadOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = this.#filter(prefix, name, options);
    let after: MetricPoint | undefined;
    for (;;) {
      if (options.signal?.aborted) return;
      const page = await this.#page(prefix, name, filter, afterPoint(after), this.#pageSize);
      for (const point of page) {
        after = point;
        yield point;
      }
      if (page.length < this.#pageSize) return;
    }
  }

  async tailMetric(prefix: string, name: string, n: number, options: MetricReadOptions = {}): Promise<MetricPoint[]> {
    const filter = this.#filter(prefix, name, options);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("n", n, "must be a non-negative integer");
    if (n === 0) return [];
    const documents = await this.#query(`read metric ${JSON.stringify(name)}`, () =>
      this.#metrics().find(query(prefix, name, filter)).sort({ index: -1, worker: -1 }).limit(n).toArray(),
    );
    return points(documents).reverse();
  }

  async *followMetric(prefix: string, name: string, options: MetricFollowOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = this.#filter(prefix, name, options);
    const pollMs = options.pollIntervalMs ?? 250;
    if (!(typeof pollMs === "number" && pollMs > 0)) throw new InvalidArgumentError("pollIntervalMs", pollMs, "must be a positive number");
    // Per worker ("" for a run of its own), the highest index given: a joined run's workers
    // write at their own pace, so a slow worker's next point can have a lower index than what
    // a faster one wrote, and one position in (index, worker) order would pass it by.
    const seen = new Map<string, number>();
    const note = (point: MetricPoint): void => {
      const key = point.worker ?? "";
      if (point.index > (seen.get(key) ?? -1)) seen.set(key, point.index);
    };
    if (options.tail !== undefined) {
      const first = await this.tailMetric(prefix, name, options.tail, options);
      for (const point of first) yield point;
      // Start after everything there now, whatever the tail showed.
      for (const [worker, index] of await this.#highestByWorker(prefix, name, filter)) seen.set(worker, index);
    }
    while (options.signal?.aborted !== true) {
      const page = await this.#page(prefix, name, filter, afterEach(seen), this.#pageSize);
      for (const point of page) {
        note(point);
        yield point;
      }
      if (page.length < this.#pageSize) await sleep(pollMs, options.signal);
    }
  }

  async readParams(prefix: string): Promise<ParamsSnapshot | null> {
    validatePrefix(prefix);
    const documents = await this.#query("read the parameters", () =>
      this.#client.db(this.#connection.database).collection(this.#connection.collections.params).find({ experiment: prefix }).sort({ index: 1 }).toArray(),
    );
    const snapshot = paramsSnapshot(documents);
    return snapshot === null ? null : { data: snapshot.data, version: snapshot.version, createdAt: snapshot.createdAt, updatedAt: snapshot.updatedAt };
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  #filter(prefix: string, name: string, options: MetricReadOptions): MetricFilter {
    validatePrefix(prefix);
    validateStreamName(name, "metric name");
    return compileMetricFilter(options);
  }

  async #page(prefix: string, name: string, filter: MetricFilter, after: Document | undefined, limit: number): Promise<MetricPoint[]> {
    const documents = await this.#query(`read metric ${JSON.stringify(name)}`, () =>
      this.#metrics().find(query(prefix, name, filter, after)).sort({ index: 1, worker: 1 }).limit(limit).toArray(),
    );
    return points(documents);
  }

  /** Per worker ("" for a run of its own), the highest index of the matching points. */
  async #highestByWorker(prefix: string, name: string, filter: MetricFilter): Promise<Map<string, number>> {
    const groups = await this.#query(`read metric ${JSON.stringify(name)}`, () =>
      this.#metrics()
        .aggregate<Document>([{ $match: query(prefix, name, filter) }, { $group: { _id: "$worker", max: { $max: "$index" } } }])
        .toArray(),
    );
    const out = new Map<string, number>();
    for (const group of groups) if (typeof group["max"] === "number") out.set(typeof group["_id"] === "string" ? group["_id"] : "", group["max"]);
    return out;
  }

  #metrics(): Collection {
    return this.#client.db(this.#connection.database).collection(this.#connection.collections.metrics);
  }

  async #query<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toMongoSinkError("read", `cannot ${what} (MongoDB at ${this.redactedUri})`, error, this.#secrets);
    }
  }
}

/** A reader of metrics and parameters in MongoDB; close it when done. */
export function mongoMetricReader(options: MongoMetricReaderOptions): MongoMetricReader {
  return new MongoMetricReader(options);
}

function query(prefix: string, name: string, filter: MetricFilter, after?: Document): Document {
  const index: Document = {};
  if (filter.fromIndex !== undefined && filter.fromIndex > 0) index["$gte"] = filter.fromIndex;
  if (filter.toIndex !== undefined) index["$lte"] = filter.toIndex;
  const q: Document = { experiment: prefix, metric: name };
  if (Object.keys(index).length > 0) q["index"] = index;
  if (filter.worker !== undefined) q["worker"] = filter.worker;
  if (filter.since !== undefined || filter.until !== undefined) {
    const createdAt: Document = {};
    if (filter.since !== undefined) createdAt["$gte"] = new Date(filter.since);
    if (filter.until !== undefined) createdAt["$lte"] = new Date(filter.until);
    q["createdAt"] = createdAt;
  }
  return after === undefined ? q : { $and: [q, after] };
}

/** Points after `point` in (index, worker) order, where a point without a worker (a run of its own's) comes first. */
function afterPoint(point: MetricPoint | undefined): Document | undefined {
  if (point === undefined) return undefined;
  const sameIndex = point.worker === undefined ? { index: point.index, worker: { $exists: true } } : { index: point.index, worker: { $gt: point.worker } };
  return { $or: [{ index: { $gt: point.index } }, sameIndex] };
}

/** Points past each worker's highest index given (`seen`, "" for a run of its own), and every point of a worker not seen yet. */
function afterEach(seen: ReadonlyMap<string, number>): Document | undefined {
  if (seen.size === 0) return undefined;
  const branches: Document[] = [];
  const names: string[] = [];
  for (const [worker, index] of seen) {
    if (worker === "") branches.push({ worker: { $exists: false }, index: { $gt: index } });
    else {
      names.push(worker);
      branches.push({ worker, index: { $gt: index } });
    }
  }
  if (!seen.has("")) branches.push({ worker: { $exists: false } });
  branches.push({ worker: { $exists: true, $nin: names } });
  return { $or: branches };
}

function points(documents: readonly Document[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const document of documents) {
    const point = fromMetricDocument(document);
    if (point !== undefined) out.push(point);
  }
  return out;
}
