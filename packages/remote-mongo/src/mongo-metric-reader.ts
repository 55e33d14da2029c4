import {
  InvalidArgumentError,
  compileMetricFilter,
  validatePrefix,
  validateStreamName,
  type JsonValue,
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
import { fromMetricDocument, fromParamsDocument } from "./metric-document.js";
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
 * (experiment, metric, index) index; time bounds use (experiment, metric, createdAt).
 * `followMetric` polls.
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

  async *readMetric(prefix: string, name: string, options: MetricReadOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = this.#filter(prefix, name, options);
    let after = -1;
    for (;;) {
      if (options.signal?.aborted) return;
      const page = await this.#page(prefix, name, filter, after, this.#pageSize);
      for (const point of page) {
        after = point.index;
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
      this.#metrics().find(query(prefix, name, filter, -1)).sort({ index: -1 }).limit(n).toArray(),
    );
    return points(documents).reverse();
  }

  async *followMetric(prefix: string, name: string, options: MetricFollowOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = this.#filter(prefix, name, options);
    const pollMs = options.pollIntervalMs ?? 250;
    if (!(typeof pollMs === "number" && pollMs > 0)) throw new InvalidArgumentError("pollIntervalMs", pollMs, "must be a positive number");
    let after = -1;
    if (options.tail !== undefined) {
      const first = await this.tailMetric(prefix, name, options.tail, options);
      for (const point of first) yield point;
      // Start after the tail, or after everything there now when the tail was empty.
      after = first.at(-1)?.index ?? (await this.tailMetric(prefix, name, 1)).at(-1)?.index ?? -1;
    }
    while (options.signal?.aborted !== true) {
      const page = await this.#page(prefix, name, filter, after, this.#pageSize);
      for (const point of page) {
        after = point.index;
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
    if (documents.length === 0) return null;
    const data: Record<string, JsonValue> = {};
    let version = 0;
    let createdAt: string | null = null;
    let updatedAt: string | null = null;
    for (const document of documents) {
      const change = fromParamsDocument(document);
      if (change === undefined) continue;
      for (const [key, value] of Object.entries(change.data)) {
        Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
      }
      version = Math.max(version, change.index + 1);
      createdAt ??= change.updatedAt;
      updatedAt = change.updatedAt ?? updatedAt;
    }
    return { data, version, createdAt, updatedAt };
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  #filter(prefix: string, name: string, options: MetricReadOptions): MetricFilter {
    validatePrefix(prefix);
    validateStreamName(name, "metric name");
    return compileMetricFilter(options);
  }

  async #page(prefix: string, name: string, filter: MetricFilter, after: number, limit: number): Promise<MetricPoint[]> {
    const documents = await this.#query(`read metric ${JSON.stringify(name)}`, () =>
      this.#metrics().find(query(prefix, name, filter, after)).sort({ index: 1 }).limit(limit).toArray(),
    );
    return points(documents);
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

function query(prefix: string, name: string, filter: MetricFilter, after: number): Document {
  const index: Document = {};
  const from = Math.max(after + 1, filter.fromIndex ?? 0);
  if (from > 0) index["$gte"] = from;
  if (filter.toIndex !== undefined) index["$lte"] = filter.toIndex;
  const q: Document = { experiment: prefix, metric: name };
  if (Object.keys(index).length > 0) q["index"] = index;
  if (filter.since !== undefined || filter.until !== undefined) {
    const createdAt: Document = {};
    if (filter.since !== undefined) createdAt["$gte"] = new Date(filter.since);
    if (filter.until !== undefined) createdAt["$lte"] = new Date(filter.until);
    q["createdAt"] = createdAt;
  }
  return q;
}

function points(documents: readonly Document[]): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const document of documents) {
    const point = fromMetricDocument(document);
    if (point !== undefined) out.push(point);
  }
  return out;
}
