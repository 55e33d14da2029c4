import { LOGS_STREAM, batchKind, type RecordBatch, type StoredRecord } from "@dashlog/core";
import type { Collection, Db, Document } from "mongodb";
import { backoffDelay, sleep } from "./backoff.js";
import { DUPLICATE_KEY, isTransientCode, isTransientError } from "./classify-error.js";
import type { CollectionNames } from "./mongo-options.js";
import { MongoSinkError, toMongoSinkError } from "./mongo-sink-error.js";
import { joinedParamsUpdate } from "./joined-params-update.js";
import { toMetricDocument, toParamsDocument } from "./metric-document.js";
import { toDocument } from "./record-document.js";
import type { SinkCounters } from "./sink-counters.js";
import type { Spool } from "./spool.js";

/** How many duplicate-key errors an upsert of joined parameters takes as lost races before it gives up. */
const MAX_UPSERT_RACES = 3;

/** `abandoned`: the caller gave the work up (close, or the records moved to the spool) before MongoDB took it all. */
export type InsertOutcome = "done" | "abandoned";

export interface InsertPipelineParts {
  readonly db: Db;
  readonly collections: Required<CollectionNames>;
  /** Where records MongoDB will never take are set aside. */
  readonly spool: Spool;
  readonly counters: SinkCounters;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Aborted when the sink closes: waits end at once. */
  readonly stop: AbortSignal;
  readonly secrets: readonly string[];
  readonly ensureReady: () => Promise<void>;
  readonly report: (name: string, error: unknown) => void;
}

/**
 * One `insertMany` into one collection: the documents and, index for index, the record and
 * batch each came from (to set a refused one aside). Built when sent, so the documents die
 * young; a retry re-sends the same objects, with the `_id` the driver gave them.
 */
interface Insert {
  readonly documents: Document[];
  readonly records: StoredRecord[];
  readonly sources: RecordBatch[];
}

/**
 * The last step of the data path: records in, documents in MongoDB out. One unordered
 * `insertMany` per collection; transient failures are retried with backoff until MongoDB
 * takes the records or the caller abandons them; duplicate keys count as stored (the unique
 * (experiment, stream, sequenceNumber) index proves the record is there); a record MongoDB
 * will never take is set aside under the spool's `rejected/` with the reason.
 */
export class InsertPipeline {
  readonly #parts: InsertPipelineParts;

  constructor(parts: InsertPipelineParts) {
    this.#parts = parts;
  }

  /** Inserts records, one `insertMany` per collection; `abandoned()` is asked before every attempt. */
  async insert(batches: readonly RecordBatch[], abandoned: () => boolean): Promise<InsertOutcome> {
    const byCollection = new Map<string, Insert>();
    const { collections } = this.#parts;
    const joinedParams: RecordBatch[] = [];
    for (let batch of batches) {
      // Metric points and parameter changes travel as batches with reserved stream keys.
      const kind = batchKind(batch);
      if (kind.kind === "params" && batch.worker !== undefined) {
        joinedParams.push(batch);
        continue;
      }
      if (kind.kind === "params" && batch.records.some((record) => typeof record["worker"] === "string")) {
        // Replayed from the spool, where a joined run's records keep their worker as a field.
        joinedParams.push(...byRecordWorker(batch));
        const own = batch.records.filter((record) => typeof record["worker"] !== "string");
        if (own.length === 0) continue;
        batch = { ...batch, records: own };
      }
      const name =
        kind.kind === "metric" ? collections.metrics : kind.kind === "params" ? collections.params : batch.stream === LOGS_STREAM ? collections.logs : collections.streams;
      let insert = byCollection.get(name);
      if (insert === undefined) {
        insert = { documents: [], records: [], sources: [] };
        byCollection.set(name, insert);
      }
      for (const record of batch.records) {
        let document: Document;
        try {
          document =
            kind.kind === "metric"
              ? toMetricDocument(batch.experiment, kind.metric, record, batch.worker ?? recordWorker(record))
              : kind.kind === "params"
                ? toParamsDocument(batch.experiment, record)
                : toDocument(batch.experiment, batch.stream, record, batch.worker);
        } catch (error) {
          await this.reject(batch, record, error);
          continue;
        }
        insert.documents.push(document);
        insert.records.push(record);
        insert.sources.push(batch);
      }
    }
    for (const [name, insert] of byCollection) {
      if ((await this.#insertDocuments(this.#parts.db.collection(name), insert, abandoned)) === "abandoned") return "abandoned";
    }
    for (const batch of joinedParams) {
      if ((await this.#updateJoinedParams(batch, abandoned)) === "abandoned") return "abandoned";
    }
    return "done";
  }

  /**
   * A joined run's parameter changes: one atomic upsert of the experiment's shared document
   * (see joinedParamsUpdate), retried like an insert. Two workers' first upserts can race to
   * insert it: the loser's duplicate key means the document now exists, and its retry updates it.
   */
  async #updateJoinedParams(batch: RecordBatch, abandoned: () => boolean): Promise<InsertOutcome> {
    const { counters, secrets } = this.#parts;
    let prepared: ReturnType<typeof joinedParamsUpdate>;
    try {
      prepared = joinedParamsUpdate(batch.experiment, batch.worker as string, batch.records);
    } catch (error) {
      for (const record of batch.records) await this.reject(batch, record, error);
      return "done";
    }
    if (prepared === undefined) return "done";
    const collection = this.#parts.db.collection(this.#parts.collections.params);
    let duplicates = 0;
    for (let attempt = 0; ; ) {
      if (this.#parts.stop.aborted || abandoned()) return "abandoned";
      try {
        await this.#parts.ensureReady();
        await collection.updateOne(prepared.filter, prepared.update, { upsert: true });
        counters.inserted += batch.records.length;
        return "done";
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        // A duplicate key is the race above; more than a few mean another document holds the
        // key (one without `index` that is not the joined one): refused, like any other error.
        if ((code !== DUPLICATE_KEY && !isTransientError(error)) || (code === DUPLICATE_KEY && ++duplicates > MAX_UPSERT_RACES)) {
          for (const record of batch.records) await this.reject(batch, record, toMongoSinkError("insert", "parameters of a joined run", error, secrets));
          return "done";
        }
        if (code !== DUPLICATE_KEY) {
          counters.retries++;
          this.#parts.report("insert", toMongoSinkError("insert", `update of ${batch.records.length} parameter change(s) failed, retrying`, error, secrets));
          await sleep(backoffDelay(attempt++, this.#parts.retryInitialDelayMs, this.#parts.retryMaxDelayMs), this.#parts.stop);
        }
      }
    }
  }

  /** Sets a record aside for good under `rejected/`, counted and reported. */
  async reject(source: RecordBatch, record: StoredRecord, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.#parts.counters.rejected++;
    const path = await this.#parts.spool.reject(source.experiment, source.stream, record, reason);
    this.#parts.report("rejected", new MongoSinkError("insert", `${reason}; kept in ${path}`));
  }

  async #insertDocuments(collection: Collection, insert: Insert, abandoned: () => boolean): Promise<InsertOutcome> {
    const { counters, secrets } = this.#parts;
    let pending = insert;
    let attempt = 0;
    while (pending.documents.length > 0) {
      if (this.#parts.stop.aborted || abandoned()) return "abandoned";
      const count = pending.documents.length;
      try {
        await this.#parts.ensureReady();
        await collection.insertMany(pending.documents, { ordered: false });
        counters.inserted += count;
        return "done";
      } catch (error) {
        const writeErrors = writeErrorsOf(error);
        if (writeErrors.length > 0 && !isTransientError(error)) {
          const retry: Insert = { documents: [], records: [], sources: [] };
          let failed = 0;
          for (const writeError of writeErrors) {
            const index = writeError.index;
            if (index >= count) continue;
            failed++;
            if (writeError.code === DUPLICATE_KEY) counters.duplicates++;
            else if (isTransientCode(writeError.code)) pushAt(retry, pending, index);
            else await this.reject(pending.sources[index] as RecordBatch, pending.records[index] as StoredRecord, new Error(`MongoDB refused it: ${writeError.errmsg ?? `code ${writeError.code}`}`));
          }
          counters.inserted += count - failed;
          pending = retry;
          if (pending.documents.length === 0) return "done";
        } else if (!isTransientError(error) && isDataError(error)) {
          // A client-side refusal of one document fails the whole call: find it by sending one at a time.
          if (count === 1) {
            const record = pending.records[0] as StoredRecord;
            await this.reject(pending.sources[0] as RecordBatch, record, toMongoSinkError("insert", `record ${record.sequenceNumber}`, error, secrets));
            return "done";
          }
          for (let index = 0; index < count; index++) {
            const single: Insert = { documents: [], records: [], sources: [] };
            pushAt(single, pending, index);
            if ((await this.#insertDocuments(collection, single, abandoned)) === "abandoned") return "abandoned";
          }
          return "done";
        }
        counters.retries++;
        this.#parts.report("insert", toMongoSinkError("insert", `insert of ${count} record(s) failed, retrying`, error, secrets));
        await sleep(backoffDelay(attempt++, this.#parts.retryInitialDelayMs, this.#parts.retryMaxDelayMs), this.#parts.stop);
      }
    }
    return "done";
  }
}

interface WriteErrorInfo {
  readonly index: number;
  readonly code: number;
  readonly errmsg?: string;
}

function writeErrorsOf(error: unknown): WriteErrorInfo[] {
  const raw = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list
    .map((e: { index?: unknown; code?: unknown; errmsg?: unknown }) => ({
      index: typeof e.index === "number" ? e.index : -1,
      code: typeof e.code === "number" ? e.code : -1,
      ...(typeof e.errmsg === "string" ? { errmsg: e.errmsg } : {}),
    }))
    .filter((e) => e.index >= 0);
}

/** Errors about a document itself, raised by the driver before anything is sent. */
function isDataError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "MongoInvalidArgumentError" || name === "BSONError" || name === "BSONVersionError";
}

/** Copies entry `index` of one insert to the end of another. */
function pushAt(target: Insert, from: Insert, index: number): void {
  target.documents.push(from.documents[index] as Document);
  target.records.push(from.records[index] as StoredRecord);
  target.sources.push(from.sources[index] as RecordBatch);
}

/** The worker a record replayed from the spool names (see the spool's withWorker). */
function recordWorker(record: StoredRecord): string | undefined {
  const worker = record["worker"];
  return typeof worker === "string" ? worker : undefined;
}

/** A replayed batch's records of joined runs, as one batch per worker. */
function byRecordWorker(batch: RecordBatch): RecordBatch[] {
  const out = new Map<string, StoredRecord[]>();
  for (const record of batch.records) {
    const worker = recordWorker(record);
    if (worker === undefined) continue;
    let list = out.get(worker);
    if (list === undefined) out.set(worker, (list = []));
    list.push(record);
  }
  return [...out].map(([worker, records]) => ({ experiment: batch.experiment, stream: batch.stream, records, worker }));
}
