import {
  LOGS_STREAM,
  compileFilter,
  logRecordSchema,
  matchesFilter,
  readByWorker,
  storedRecordSchema,
  type FollowOptions,
  type ReadIssue,
  type ReadOptions,
  type RecordFilter,
  type RecordReader,
  type RunState,
  type StoredRecord,
  InvalidArgumentError,
  validatePrefix,
} from "@dashlog/core";
import { MongoClient, type ChangeStream, type ChangeStreamDocument, type Collection, type Document } from "mongodb";
import { sleep } from "./backoff.js";
import { after, buildQuery } from "./build-query.js";
import { toMongoSinkError } from "./mongo-sink-error.js";
import type { MongoConnectionOptions, ResolvedConnection } from "./mongo-options.js";
import { recordFromBytes, topLevelNumber } from "./record-bytes.js";
import { fromDocument } from "./record-document.js";
import { openReaderConnection } from "./reader-connection.js";
import { readRunStates } from "./run-states.js";

export interface MongoReaderOptions extends MongoConnectionOptions {
  /** Documents fetched per query. Default 1,000. */
  readonly pageSize?: number;
}

export interface MongoFollowOptions extends FollowOptions {
  /**
   * How far back (in sequence numbers) each poll looks again for records that arrived late,
   * e.g. replayed from a writer's spool or retried out of order. Default 1,000.
   */
  readonly lateWindow?: number;
  /**
   * Listen to a change stream when the server offers one (replica sets and sharded
   * clusters); a standalone server refuses it and `follow` polls. Default true.
   */
  readonly changeStream?: boolean;
}

/**
 * Reads what `mongoSink` stored, with the same query surface as the JSONL reader. Queries
 * are served by the sink's indexes and paged by sequence number. `follow` listens to a
 * change stream where the server has them (replica sets) and polls otherwise.
 */
export class MongoReader implements RecordReader {
  readonly redactedUri: string;
  readonly #connection: ResolvedConnection;
  readonly #secrets: readonly string[];
  readonly #client: MongoClient;
  readonly #pageSize: number;
  /** Pages come as BSON bytes, decoded straight into records; off when the caller set the driver's own decoding options. */
  readonly #rawPages: boolean;

  constructor(options: MongoReaderOptions) {
    const opened = openReaderConnection(options, "mongoReader");
    this.#connection = opened.connection;
    this.#rawPages = !DECODING_OPTIONS.some((name) => (opened.connection.clientOptions as Record<string, unknown> | undefined)?.[name] !== undefined);
    this.#client = opened.client;
    this.#pageSize = opened.pageSize;
    this.#secrets = opened.secrets;
    this.redactedUri = opened.redactedUri;
  }

  async *read(prefix: string, options: ReadOptions = {}): AsyncGenerator<StoredRecord> {
    validatePrefix(prefix);
    const filter = compileFilter(options);
    const query = buildQuery(prefix, filter);
    let position = 0;
    let last = -1;
    const fetch = (from: number): Promise<Page> => {
      const page = this.#findPage(filter.stream, from < 0 ? query : after(query, from), this.#pageSize);
      // Marked handled: a caller that stops reading early leaves the prefetched page behind.
      page.catch(() => undefined);
      return page;
    };
    let next = fetch(last);
    for (;;) {
      if (options.signal?.aborted) return;
      const page = await next;
      const seq = page.lastSequenceNumber();
      if (seq !== undefined && seq > last) last = seq;
      const more = page.length >= this.#pageSize && last >= 0;
      // The next page is asked for before this one is converted and handed out, so the
      // server's work and the round trip overlap the reader's (they were half of its time).
      if (more) next = fetch(last);
      for (let i = 0; i < page.length; i++) {
        const record = this.#checked(page.record(i), filter, ++position, options.onIssue);
        if (record !== undefined) yield record;
      }
      if (!more) return;
    }
  }

  async tail(prefix: string, n: number, options: ReadOptions = {}): Promise<StoredRecord[]> {
    validatePrefix(prefix);
    if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("n", n, "must be a non-negative integer");
    if (n === 0) return [];
    const filter = compileFilter(options);
    const page = await this.#find(filter.stream, buildQuery(prefix, filter), { sequenceNumber: -1 }, n);
    const out: StoredRecord[] = [];
    page.reverse().forEach((document, i) => {
      const record = this.#toRecord(document, filter, i + 1, options.onIssue);
      if (record !== undefined) out.push(record);
    });
    return out;
  }

  async *follow(prefix: string, options: MongoFollowOptions = {}): AsyncGenerator<StoredRecord> {
    validatePrefix(prefix);
    const filter = compileFilter(options);
    const pollMs = options.pollIntervalMs ?? 250;
    const window = options.lateWindow ?? 1000;
    if (!(pollMs > 0)) throw new InvalidArgumentError("pollIntervalMs", pollMs, "must be a positive number");
    if (!Number.isSafeInteger(window) || window < 0) throw new InvalidArgumentError("lateWindow", window, "must be a non-negative integer");
    const query = buildQuery(prefix, filter);
    /** Sequence numbers already yielded within the late window. */
    const seen = new Set<number>();
    let last = -1;
    const remember = (seq: number) => {
      seen.add(seq);
      if (seq > last) {
        last = seq;
        for (const old of seen) if (old <= last - window) seen.delete(old);
      }
    };
    // Opened before the first read, so nothing inserted meanwhile is missed (duplicates are skipped).
    const changes = options.changeStream === false ? undefined : await this.#openChangeStream(prefix, filter.stream, pollMs);
    try {
      if (options.tail !== undefined) {
        for (const record of await this.tail(prefix, options.tail, options)) {
          remember(record.sequenceNumber);
          yield record;
        }
        if (last < 0) {
          // Nothing matched yet: start from the newest record of the stream, as `tail -f` would.
          const newest = await this.tail(prefix, 1, { stream: filter.stream });
          last = newest[0]?.sequenceNumber ?? -1;
        }
      } else {
        for await (const record of this.read(prefix, options)) {
          remember(record.sequenceNumber);
          yield record;
        }
      }
      // With `tail`, what came before the tail is not wanted, late or not.
      const floor = options.tail === undefined ? -1 : last;
      let position = 0;
      if (changes !== undefined) {
        let pending = changes.first;
        while (!options.signal?.aborted) {
          let change: ChangeStreamDocument | null;
          try {
            change = pending ?? (await changes.stream.tryNext());
          } catch {
            // The stream broke for good (the driver already resumes what can be resumed): poll from here.
            break;
          }
          pending = null;
          if (change === null || change.operationType !== "insert") continue;
          const seq = change.fullDocument["sequenceNumber"];
          if (typeof seq !== "number" || seq <= floor || seen.has(seq)) continue;
          const record = this.#toRecord(change.fullDocument, filter, ++position, options.onIssue);
          remember(seq);
          if (record !== undefined) yield record;
        }
      }
      while (!options.signal?.aborted) {
        await sleep(pollMs, options.signal);
        if (options.signal?.aborted) return;
        let cursor = Math.max(floor, last - window);
        for (;;) {
          const page = await this.#find(filter.stream, cursor < 0 ? query : after(query, cursor), { sequenceNumber: 1 }, this.#pageSize);
          for (const document of page) {
            const seq = document["sequenceNumber"];
            if (typeof seq !== "number") continue;
            cursor = Math.max(cursor, seq);
            if (seen.has(seq)) continue;
            const record = this.#toRecord(document, filter, ++position, options.onIssue);
            remember(seq);
            if (record !== undefined) yield record;
          }
          if (page.length < this.#pageSize) break;
        }
      }
    } finally {
      await changes?.stream.close().catch(() => undefined);
    }
  }

  /** A change stream of the experiment's inserts, or undefined when the server has none (a standalone). */
  async #openChangeStream(
    prefix: string,
    stream: string,
    awaitMs: number,
  ): Promise<{ stream: ChangeStream; first: ChangeStreamDocument | null } | undefined> {
    const match: Document = { operationType: "insert", "fullDocument.experiment": prefix };
    if (stream !== LOGS_STREAM) match["fullDocument.stream"] = stream;
    const changes = this.#collection(stream).watch([{ $match: match }], { maxAwaitTimeMS: Math.max(1, Math.round(awaitMs)) });
    try {
      // The first round trip tells whether the server has change streams at all.
      return { stream: changes, first: await changes.tryNext() };
    } catch {
      await changes.close().catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Every run of the experiment, oldest first, with its effective status: `effectiveStatus`
   * is CRASHED (and `crashed` true, `crashReason` saying why) for a run stored RUNNING whose
   * lock is gone or whose lease expired, or whose end a later run recorded as crashed.
   */
  /** Every matching record in sequence order, whichever worker wrote it: `read()` already is (the server sorts), so this is it. */
  readMerged(prefix: string, options: ReadOptions = {}): AsyncGenerator<StoredRecord> {
    return this.read(prefix, options);
  }

  /** The per-worker view: every worker that joined a run of the experiment, with its matching records in order (held in memory). */
  byWorker(prefix: string, options: ReadOptions = {}): Promise<Map<string, StoredRecord[]>> {
    return readByWorker(this, prefix, options);
  }


  /** Names of the workers that joined any run of the experiment, in the order they joined. */
  async workers(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const names = new Set<string>();
    for (const run of await this.runs(prefix)) for (const part of run.workers ?? []) names.add(part.worker);
    return [...names];
  }

  async runs(prefix: string): Promise<RunState[]> {
    validatePrefix(prefix);
    try {
      return await readRunStates(this.#client.db(this.#connection.database), this.#connection.collections, prefix);
    } catch (error) {
      throw toMongoSinkError("read", `cannot read the runs of ${JSON.stringify(prefix)} from MongoDB at ${this.redactedUri}`, error, this.#secrets);
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #collection(stream: string): Collection {
    const { collections, database } = this.#connection;
    return this.#client.db(database).collection(stream === LOGS_STREAM ? collections.logs : collections.streams);
  }

  async #find(stream: string, query: Document, sort: Document, limit: number, raw = false): Promise<Document[]> {
    try {
      // The experiment (and a stream's name) are known and `_id` is not part of a record: not
      // sending them back saves the server encoding and the driver decoding (an ObjectId is
      // an object of its own) three fields per document.
      const projection = stream === LOGS_STREAM ? { _id: 0, experiment: 0 } : { _id: 0, experiment: 0, stream: 0 };
      return await this.#collection(stream).find(query, { sort, limit, batchSize: limit, projection, ...(raw ? { raw: true } : {}) }).toArray();
    } catch (error) {
      throw toMongoSinkError("read", `cannot read from MongoDB at ${this.redactedUri}`, error, this.#secrets);
    }
  }

  /** One page of `read`, sorted by sequence number: BSON bytes decoded one by one, or the driver's documents. */
  async #findPage(stream: string, query: Document, limit: number): Promise<Page> {
    if (!this.#rawPages) {
      const documents = await this.#find(stream, query, { sequenceNumber: 1 }, limit);
      return {
        length: documents.length,
        lastSequenceNumber: () => lastNumber(documents.map((d) => d["sequenceNumber"])),
        record: (i) => fromDocument(documents[i] as Document, stream),
      };
    }
    const pages = (await this.#find(stream, query, { sequenceNumber: 1 }, limit, true)) as unknown as Uint8Array[];
    return {
      length: pages.length,
      lastSequenceNumber: () => {
        // Sorted ascending, numbers together: the last number is the largest.
        for (let i = pages.length - 1; i >= 0; i--) {
          const seq = topLevelNumber(pages[i] as Uint8Array, "sequenceNumber");
          if (seq !== undefined && !Number.isNaN(seq)) return seq;
        }
        return undefined;
      },
      record: (i) => recordFromBytes(pages[i] as Uint8Array, stream),
    };
  }

  #toRecord(document: Document, filter: RecordFilter, position: number, onIssue: ((issue: ReadIssue) => void) | undefined): StoredRecord | undefined {
    return this.#checked(fromDocument(document, filter.stream), filter, position, onIssue);
  }

  /** The record if it is a valid record of the filter, else undefined (an invalid one reported through `onIssue`). */
  #checked(record: Record<string, unknown>, filter: RecordFilter, position: number, onIssue: ((issue: ReadIssue) => void) | undefined): StoredRecord | undefined {
    const schema = filter.stream === LOGS_STREAM ? logRecordSchema : storedRecordSchema;
    const result = schema.safeParse(record);
    if (!result.success) {
      const first = result.error.issues[0];
      onIssue?.({
        kind: "invalid",
        line: position,
        message: `document ${position} of the query (sequenceNumber ${JSON.stringify(record["sequenceNumber"])}): ${first === undefined ? "invalid" : `${first.path.join(".") || "record"} ${first.message}`}`,
        text: JSON.stringify(record).slice(0, 200),
      });
      return undefined;
    }
    // The server query already narrowed the set; this keeps the JSONL reader's exact semantics.
    const stored = record as StoredRecord;
    return matchesFilter(stored, filter) ? stored : undefined;
  }
}

/** A page of `read`: its size, its largest numeric sequence number, and its records, converted when asked for. */
interface Page {
  readonly length: number;
  lastSequenceNumber(): number | undefined;
  record(index: number): Record<string, unknown>;
}

/** Client options that change how the driver decodes documents: with any of them, pages are decoded by the driver. */
const DECODING_OPTIONS = ["raw", "promoteLongs", "promoteValues", "promoteBuffers", "bsonRegExp", "useBigInt64", "fieldsAsRaw", "enableUtf8Validation"] as const;

/** The largest number among `values`, as the reader's keyset paging needs it. */
function lastNumber(values: readonly unknown[]): number | undefined {
  let last: number | undefined;
  for (const value of values) if (typeof value === "number" && !Number.isNaN(value) && (last === undefined || value > last)) last = value;
  return last;
}

/** Creates a reader; call `close()` when done. */
export function mongoReader(options: MongoReaderOptions): MongoReader {
  return new MongoReader(options);
}
