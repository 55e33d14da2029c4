import { hostname } from "node:os";
import {
  DashlogError,
  countRecords,
  IssueChannel,
  LOGS_STREAM,
  batchKind,
  onProcessExit,
  type MetricsOpened,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type Sink,
  type StoredRecord,
} from "@dashlog/core";
import { MongoClient, type Collection, type Db, type Document } from "mongodb";
import { backoffDelay, sleep } from "./backoff.js";
import { DUPLICATE_KEY, isTransientCode, isTransientError } from "./classify-error.js";
import { ExperimentLocks } from "./experiment-lock.js";
import { ensureIndexes } from "./index-specs.js";
import { toMetricDocument, toParamsDocument } from "./metric-document.js";
import { readMetricsOpened } from "./metrics-opened.js";
import { MongoSinkError, toMongoSinkError } from "./mongo-sink-error.js";
import { resolveSinkOptions, type MongoSinkOptions, type ResolvedSinkOptions } from "./mongo-sink-options.js";
import { RecordQueue } from "./record-queue.js";
import { toDocument } from "./record-document.js";
import { redactUri, uriSecrets } from "./redact-uri.js";
import { Spool, type SpoolFileCount } from "./spool.js";
import type { SpoolFileInfo } from "./spool-paths.js";

export interface MongoSinkStats {
  /** Records waiting in memory. */
  readonly queued: number;
  /** Records MongoDB accepted (duplicates of records already stored not included). */
  readonly inserted: number;
  /** Records MongoDB already had (a retry or replay of a write that had landed): counted as written. */
  readonly duplicates: number;
  /** Records this sink put in the spool. */
  readonly spooled: number;
  /** Records replayed from the spool into MongoDB. */
  readonly replayed: number;
  /** Records MongoDB refused for good (bad keys, too large, ...), kept under `rejected/`. */
  readonly rejected: number;
  /** Failed attempts that were retried. */
  readonly retries: number;
}

/** What `close()` reports: everything that is not in MongoDB, and where it is. */
export interface MongoCloseReport {
  readonly stats: MongoSinkStats;
  /** Records still waiting in the spool (MongoDB was unreachable until the end), by file. */
  readonly unwritten: { readonly records: number; readonly files: readonly SpoolFileCount[] };
  /** Records MongoDB will never take, by file (each line holds the record and the reason). */
  readonly rejected: { readonly records: number; readonly files: readonly SpoolFileCount[] };
  /** The spool folder (absolute). */
  readonly spoolDir: string;
  /** True when every record is in MongoDB. */
  readonly complete: boolean;
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

type Outcome = "done" | "abandoned";

/** A batch taken from the front of the queue and handed to `insertMany`, not yet dropped from the queue. */
interface Sending {
  readonly count: number;
  state: "sending" | "done" | "failed";
}

/**
 * A core `Sink` that stores records in MongoDB. `write` only queues (or, when the queue is
 * full or MongoDB has been away, appends to the local spool) and returns: a background
 * pump sends batches with unordered `insertMany`, retries with backoff, and replays the
 * spool when MongoDB is back. Duplicate-key errors on a retry or replay count as success,
 * since the unique (experiment, stream, sequenceNumber) index proves the record is stored.
 */
export class MongoSink implements Sink {
  readonly spool: Spool;
  /** The URI with its password hidden, for messages. */
  readonly redactedUri: string;
  readonly database: string;

  readonly #options: ResolvedSinkOptions;
  readonly #secrets: readonly string[];
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #issues = new IssueChannel();
  readonly #locks: ExperimentLocks;
  #ready: Promise<void> | null = null;

  readonly #queue = new RecordQueue();
  /**
   * Batches sent from the queue, oldest first. Records leave the queue only when every
   * batch before theirs is stored too, so a spill or a failure never loses a record that
   * was still on its way.
   */
  #sending: Sending[] = [];
  #sendingRecords = 0;
  readonly #inserts = new Set<Promise<void>>();
  /** Inserts from the queue waiting for MongoDB right now (those of a spilled queue too). */
  #running = 0;
  /** Consecutive batches that failed with an unexpected error: backs off the next attempt. */
  #sendFailures = 0;
  /** Bumped when the queue is moved to the spool: work started on the old queue is then dropped. */
  #generation = 0;
  #spilling = false;
  #exiting = false;
  /** Batches `writeSync` handed to an async spool append that has not landed yet. */
  readonly #unsettled = new Set<readonly RecordBatch[]>();
  #urgent = 0;
  #wake: (() => void) | null = null;
  readonly #idleWaiters: (() => void)[] = [];
  readonly #stop = new AbortController();
  readonly #pump: Promise<void>;
  #closing: Promise<MongoCloseReport> | null = null;
  readonly #unsubscribeExit: () => void;

  #inserted = 0;
  #duplicates = 0;
  #spooled = 0;
  #replayed = 0;
  #rejected = 0;
  #retries = 0;
  /** The highest sequence number handed to this sink, per experiment. */
  readonly #highest = new Map<string, number>();
  /** The highest metric index (or parameter change) handed to this sink, per experiment and batch key. */
  readonly #highestMetric = new Map<string, Map<string, number>>();

  constructor(options: MongoSinkOptions) {
    this.#options = resolveSinkOptions(options);
    const { connection } = this.#options;
    this.#secrets = uriSecrets(connection.uri);
    this.redactedUri = redactUri(connection.uri);
    this.database = connection.database;
    try {
      this.#client = new MongoClient(connection.uri, connection.clientOptions);
    } catch (error) {
      throw toMongoSinkError("connect", `invalid MongoDB connection string ${this.redactedUri}`, error, this.#secrets);
    }
    this.#db = this.#client.db(connection.database);
    this.spool = new Spool(this.#options.spoolDir);
    this.#locks = new ExperimentLocks(this.#db.collection(connection.collections.locks), this.#options.lockLeaseMs, (error) =>
      this.#report("lock", toMongoSinkError("lock", "the experiment's lock could not be renewed", error, this.#secrets)),
    );
    if (this.#options.onIssue !== undefined) this.#issues.on(this.#options.onIssue);
    this.#unsubscribeExit = onProcessExit(() => this.#spillSync());
    this.#pump = this.#run();
  }

  get stats(): MongoSinkStats {
    return {
      queued: this.#queue.size,
      inserted: this.#inserted,
      duplicates: this.#duplicates,
      spooled: this.#spooled,
      replayed: this.#replayed,
      rejected: this.#rejected,
      retries: this.#retries,
    };
  }

  /** Queues the records, or appends them to the spool when memory is full or MongoDB has been away. Never waits on the network. */
  async write(batches: readonly RecordBatch[]): Promise<void> {
    if (this.#closing !== null) throw closedError(this.redactedUri);
    const count = countRecords(batches);
    if (count === 0) return;
    this.#noteHighest(batches);
    if (this.#spilling || this.#queue.size + count > this.#options.maxQueueLength) {
      const first = !this.#spilling;
      await this.spool.append(batches);
      this.#spooled += count;
      this.#spilling = true;
      if (first) this.#report("spill", new MongoSinkError("spill", `MongoDB at ${this.redactedUri} is not keeping up: records go to the spool ${this.spool.pendingDir} until it is replayed`));
      this.#signal();
      return;
    }
    this.#enqueue(batches);
  }

  #noteHighest(batches: readonly RecordBatch[]): void {
    for (const batch of batches) {
      const last = batch.records.at(-1)?.sequenceNumber;
      if (last === undefined) continue;
      if (batchKind(batch).kind !== "stream") {
        // Metric indexes are numbered apart from the log: they must not move its numbering.
        let keys = this.#highestMetric.get(batch.experiment);
        if (keys === undefined) this.#highestMetric.set(batch.experiment, (keys = new Map()));
        if (last > (keys.get(batch.stream) ?? -1)) keys.set(batch.stream, last);
      } else if (last > (this.#highest.get(batch.experiment) ?? -1)) this.#highest.set(batch.experiment, last);
    }
  }

  /**
   * Core calls this at process exit, and inline when a caller logs without ever yielding.
   * While the process lives and memory has room, the records join the queue (no I/O);
   * otherwise they are appended to the spool synchronously.
   */
  writeSync(batches: readonly RecordBatch[]): void {
    if (this.#closing !== null && !this.#exiting) throw closedError(this.redactedUri);
    this.#noteHighest(batches);
    const count = countRecords(batches);
    if (this.#exiting) {
      this.#spooled += this.spool.appendSync(batches);
      this.#spilling = true;
      return;
    }
    if (!this.#spilling && this.#queue.size + count <= this.#options.maxQueueLength) {
      this.#enqueue(batches);
      return;
    }
    // An async append may be half-way through the same file: queue behind it rather than
    // interleave. Until it lands the batches are held here, and the exit handler writes them.
    this.#spilling = true;
    this.#unsettled.add(batches);
    void this.spool
      .append(batches)
      .then(
        (n) => {
          this.#spooled += n;
        },
        (error: unknown) => {
          this.#report("spool", error);
          this.#enqueue(batches);
        },
      )
      .finally(() => {
        this.#unsettled.delete(batches);
        this.#signal();
      });
  }

  #enqueue(batches: readonly RecordBatch[]): void {
    this.#queue.push(batches);
    this.#signal();
  }

  /**
   * Resolves when everything written so far is in MongoDB, or after `timeoutMs` (default
   * `flushTimeoutMs`) with whatever is still in memory moved to the spool, so it survives a crash.
   */
  async flush(timeoutMs: number = this.#options.flushTimeoutMs): Promise<void> {
    await this.#flush(timeoutMs);
  }

  /** True when everything reached MongoDB; false when it timed out and the queue went to the spool. */
  async #flush(timeoutMs: number): Promise<boolean> {
    this.#urgent++;
    try {
      const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      this.#signal();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        idle.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) await this.#spillQueue();
      return !timedOut;
    } finally {
      this.#urgent--;
    }
  }

  /** Says where numbering continues: one past the highest sequence number in MongoDB, the spool and this sink's queue. Records RUNNING. */
  async openRun(run: RunInfo): Promise<RunOpened> {
    await this.#attempt("openRun", `cannot open run ${run.runId} of ${JSON.stringify(run.experiment)}`, async () => {
      await this.#ensureReady();
      await this.#locks.acquire(run);
    });
    // Records only move memory -> spool -> MongoDB, and the pump may be replaying right now:
    // read the spool before MongoDB, and remember what passed through this sink, so a record
    // in transit is always seen in one of them.
    const spooled = await this.spool.maxSequenceNumber(run.experiment);
    const highest = await this.#attempt("openRun", `cannot read the last sequence number of ${JSON.stringify(run.experiment)}`, async () => {
      const { collections } = this.#options.connection;
      const last = async (collection: string) => {
        const doc = await this.#db
          .collection(collection)
          .find({ experiment: run.experiment }, { projection: { _id: 0, sequenceNumber: 1 } })
          .sort({ sequenceNumber: -1 })
          .limit(1)
          .next();
        return typeof doc?.["sequenceNumber"] === "number" ? doc["sequenceNumber"] : -1;
      };
      const lastRun = await this.#db
        .collection(collections.runs)
        .find({ experiment: run.experiment, nextSequenceNumber: { $exists: true } }, { projection: { _id: 0, nextSequenceNumber: 1 } })
        .sort({ nextSequenceNumber: -1 })
        .limit(1)
        .next();
      const runNext = typeof lastRun?.["nextSequenceNumber"] === "number" ? lastRun["nextSequenceNumber"] : 0;
      return Math.max(await last(collections.logs), await last(collections.streams), runNext - 1);
    });
    const next = Math.max(highest, spooled, this.#highest.get(run.experiment) ?? -1) + 1;
    let metrics: MetricsOpened;
    try {
      const pending = await this.spool.maxMetricIndexes(run.experiment);
      for (const [key, max] of this.#highestMetric.get(run.experiment) ?? []) pending.set(key, Math.max(max, pending.get(key) ?? -1));
      metrics = await this.#attempt("openRun", `cannot read the metrics of ${JSON.stringify(run.experiment)}`, () =>
        readMetricsOpened(this.#db, this.#options.connection.collections, run.experiment, pending),
      );
      await this.#attempt("openRun", `cannot record run ${run.runId} as RUNNING`, () =>
        this.#db.collection(this.#options.connection.collections.runs).updateOne(
          { experiment: run.experiment, runId: run.runId },
          {
            $set: { status: "RUNNING", startedAt: new Date(run.startedAt), firstSequenceNumber: next, pid: process.pid, hostname: hostname() },
          },
          { upsert: true },
        ),
      );
    } catch (error) {
      await this.#locks.release(run.experiment, run.runId).catch(() => undefined);
      throw error;
    }
    return { nextSequenceNumber: next, metrics };
  }

  /** Writes the run's records first (or spools them), then its status; if MongoDB is away the status is spooled too. */
  async closeRun(run: RunEnded): Promise<void> {
    const drained = await this.#flush(this.#options.flushTimeoutMs);
    try {
      // After a timed-out flush the status would only wait for the same outage: spool it now.
      if (!drained) throw new MongoSinkError("closeRun", `MongoDB at ${this.redactedUri} did not take the run's records within ${this.#options.flushTimeoutMs} ms`);
      await this.#ensureReady();
      await this.#writeStatus(run);
    } catch (error) {
      this.#locks.stopRenewing(run.runId);
      await this.spool.appendRun(run);
      this.#spilling = true;
      this.#report("status", toMongoSinkError("closeRun", `status ${run.status} of run ${run.runId} kept in the spool`, error, this.#secrets));
    }
  }

  closeRunSync(run: RunEnded): void {
    // The lease is left to expire (or to be taken over once this pid is gone): no network at exit.
    this.#locks.stopRenewing(run.runId);
    this.spool.appendRunSync(run);
    this.#spilling = true;
  }

  /**
   * Drains memory and spool into MongoDB for up to `closeTimeoutMs`, then closes the
   * connection. Never throws for an outage: the report says what is not in MongoDB and
   * which spool files hold it (a later sink with the same `spoolDir` replays them).
   */
  closeWithReport(): Promise<MongoCloseReport> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** The Sink contract's close: `closeWithReport()` without the report (issues still go to `onIssue`). */
  async close(): Promise<void> {
    await this.closeWithReport();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeWithReport();
  }

  async #close(): Promise<MongoCloseReport> {
    await this.#flush(this.#options.closeTimeoutMs);
    this.#stop.abort();
    this.#signal();
    await this.#pump;
    await this.#spillQueue();
    await this.spool.releaseClaims();
    this.#locks.stopAll();
    this.#unsubscribeExit();
    await Promise.race([this.#client.close().catch(() => undefined), sleep(2000)]);
    const unwrittenFiles = await this.spool.countPending();
    const rejectedFiles = await this.spool.countRejected();
    const sum = (files: readonly SpoolFileCount[]) => files.reduce((n, f) => n + f.records, 0);
    const report: MongoCloseReport = {
      stats: this.stats,
      unwritten: { records: sum(unwrittenFiles), files: unwrittenFiles },
      rejected: { records: sum(rejectedFiles), files: rejectedFiles },
      spoolDir: this.spool.dir,
      complete: sum(unwrittenFiles) === 0 && this.#rejected === 0,
    };
    if (report.unwritten.records > 0) {
      this.#report(
        "close",
        new MongoSinkError(
          "close",
          `${report.unwritten.records} record(s) could not reach MongoDB at ${this.redactedUri} and are kept in ${unwrittenFiles.map((f) => f.path).join(", ")}; a sink with spoolDir ${this.spool.dir} replays them`,
        ),
      );
    }
    return report;
  }

  #report(name: string, error: unknown): void {
    this.#issues.report("sink", `mongo ${name}`, error);
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #waitForWork(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.#stop.signal.removeEventListener("abort", done);
        resolve();
      };
      this.#wake = done;
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.#stop.signal.addEventListener("abort", done, { once: true });
    });
  }

  #ensureReady(): Promise<void> {
    this.#ready ??= (async () => {
      await this.#client.connect();
      await ensureIndexes(this.#db, this.#options.connection.collections);
    })().catch((error: unknown) => {
      this.#ready = null;
      throw error;
    });
    return this.#ready;
  }

  /** Runs a network step with a clear, redacted error. */
  async #attempt<T>(operation: string, context: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DashlogError) throw error;
      throw toMongoSinkError(operation, `${context} (MongoDB at ${this.redactedUri})`, error, this.#secrets);
    }
  }

  async #run(): Promise<void> {
    try {
      if ((await this.spool.pendingFiles()).length > 0) this.#spilling = true;
    } catch (error) {
      this.#report("spool", error);
    }
    let replayFailures = 0;
    while (!this.#stop.signal.aborted) {
      if (this.#queue.size > this.#sendingRecords) {
        if (this.#running >= this.#options.maxConcurrentInserts) await this.#waitForWork();
        else await this.#sendQueued();
        continue;
      }
      if (this.#sending.length > 0) {
        await this.#waitForWork();
        continue;
      }
      if (this.#spilling) {
        const progressed = await this.#replayNext().catch((error: unknown) => {
          this.#report("replay", toMongoSinkError("replay", "replay of the spool failed", error, this.#secrets));
          return false;
        });
        if (progressed) {
          replayFailures = 0;
          continue;
        }
        this.#notifyIdleIfDone();
        await this.#waitForWork(backoffDelay(replayFailures++, this.#options.retryInitialDelayMs, this.#options.retryMaxDelayMs));
        continue;
      }
      this.#notifyIdleIfDone();
      await this.#waitForWork();
    }
    // Close moves the queue to the spool next: let the inserts on their way end first.
    await Promise.all(this.#inserts);
  }

  #notifyIdleIfDone(): void {
    if (this.#queue.size > 0 || this.#spilling) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Waits for a full batch (at most `flushIntervalMs`), then starts its insert without waiting for it. */
  async #sendQueued(): Promise<void> {
    const { batchSize, flushIntervalMs } = this.#options;
    const unsent = () => this.#queue.size - this.#sendingRecords;
    if (this.#sendFailures > 0) {
      await sleep(backoffDelay(this.#sendFailures - 1, this.#options.retryInitialDelayMs, this.#options.retryMaxDelayMs), this.#stop.signal);
    } else if (unsent() < batchSize && this.#urgent === 0 && flushIntervalMs > 0) {
      // Wake early when flushed or closed.
      const deadline = Date.now() + flushIntervalMs;
      while (unsent() < batchSize && this.#urgent === 0 && !this.#stop.signal.aborted) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await this.#waitForWork(left);
      }
    }
    if (this.#stop.signal.aborted || this.#running >= this.#options.maxConcurrentInserts) return;
    const chunk = this.#queue.peek(batchSize, this.#sendingRecords);
    if (chunk.length === 0) return;
    const generation = this.#generation;
    const slot: Sending = { count: countRecords(chunk), state: "sending" };
    this.#sending.push(slot);
    this.#sendingRecords += slot.count;
    this.#running++;
    const insert = this.#insertRecords(chunk, generation).then(
      (outcome) => this.#settle(slot, generation, outcome === "done"),
      (error: unknown) => {
        this.#report("insert", toMongoSinkError("insert", `insert of ${slot.count} record(s) failed, retrying`, error, this.#secrets));
        this.#settle(slot, generation, false);
      },
    );
    this.#inserts.add(insert);
    void insert.finally(() => this.#inserts.delete(insert));
  }

  #settle(slot: Sending, generation: number, stored: boolean): void {
    this.#running--;
    // After a spill the queue and this list were replaced: the records are in the spool.
    if (generation === this.#generation) {
      slot.state = stored ? "done" : "failed";
      this.#sendFailures = stored ? 0 : this.#sendFailures + 1;
      while (this.#sending[0]?.state === "done") {
        const done = this.#sending.shift() as Sending;
        this.#queue.drop(done.count);
        this.#sendingRecords -= done.count;
      }
      // Once nothing is on its way, a failed batch (and any stored after it) is sent again
      // from the front of the queue; MongoDB counts the repeats as duplicates.
      if (this.#sending.length > 0 && this.#sending.every((s) => s.state !== "sending")) {
        this.#sending = [];
        this.#sendingRecords = 0;
      }
    }
    this.#signal();
  }

  /** Empties the queue for the spool; inserts still on their way are then ignored when they end. */
  #takeQueue(): RecordBatch[] {
    this.#generation++;
    this.#sending = [];
    this.#sendingRecords = 0;
    return this.#queue.takeAll();
  }

  /** Moves every queued record to the spool (on a flush timeout or at close). */
  async #spillQueue(): Promise<void> {
    if (this.#queue.size === 0) return;
    const queued = this.#takeQueue();
    const n = await this.spool.append(queued);
    this.#spooled += n;
    this.#spilling = true;
  }

  /**
   * Process exit: whatever is still in memory goes to the spool, synchronously. This handler
   * is registered when the sink is built, so it runs before the exit handler of any run
   * using it; from here on `writeSync` goes to the spool.
   */
  #spillSync(): void {
    this.#exiting = true;
    for (const batches of this.#unsettled) {
      try {
        this.#spooled += this.spool.appendSync(batches);
      } catch (error) {
        process.stderr.write(`dashlog: records for MongoDB could not be spooled at exit: ${String(error)}\n`);
      }
    }
    this.#unsettled.clear();
    if (this.#queue.size === 0) return;
    const queued = this.#takeQueue();
    try {
      this.#spooled += this.spool.appendSync(queued);
    } catch (error) {
      process.stderr.write(`dashlog: ${countRecords(queued)} record(s) for MongoDB could not be spooled at exit: ${String(error)}\n`);
    }
  }

  /** Inserts records, one `insertMany` per collection; records that can never be stored are set aside. */
  async #insertRecords(batches: readonly RecordBatch[], generation: number | undefined): Promise<Outcome> {
    const byCollection = new Map<string, Insert>();
    const { collections } = this.#options.connection;
    for (const batch of batches) {
      const kind = batchKind(batch);
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
              ? toMetricDocument(batch.experiment, kind.metric, record)
              : kind.kind === "params"
                ? toParamsDocument(batch.experiment, record)
                : toDocument(batch.experiment, batch.stream, record);
        } catch (error) {
          await this.#rejectRecord(batch, record, error);
          continue;
        }
        insert.documents.push(document);
        insert.records.push(record);
        insert.sources.push(batch);
      }
    }
    for (const [name, insert] of byCollection) {
      if ((await this.#insertDocuments(this.#db.collection(name), insert, generation)) === "abandoned") return "abandoned";
    }
    return "done";
  }

  async #rejectRecord(source: RecordBatch, record: StoredRecord, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.#rejected++;
    const path = await this.spool.reject(source.experiment, source.stream, record, reason);
    this.#report("rejected", new MongoSinkError("insert", `${reason}; kept in ${path}`));
  }

  async #insertDocuments(collection: Collection, insert: Insert, generation: number | undefined): Promise<Outcome> {
    let pending = insert;
    let attempt = 0;
    while (pending.documents.length > 0) {
      if (this.#abandoned(generation)) return "abandoned";
      const count = pending.documents.length;
      try {
        await this.#ensureReady();
        await collection.insertMany(pending.documents, { ordered: false });
        this.#inserted += count;
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
            if (writeError.code === DUPLICATE_KEY) this.#duplicates++;
            else if (isTransientCode(writeError.code)) pushAt(retry, pending, index);
            else await this.#rejectRecord(pending.sources[index] as RecordBatch, pending.records[index] as StoredRecord, new Error(`MongoDB refused it: ${writeError.errmsg ?? `code ${writeError.code}`}`));
          }
          this.#inserted += count - failed;
          pending = retry;
          if (pending.documents.length === 0) return "done";
        } else if (!isTransientError(error) && isDataError(error)) {
          // A client-side refusal of one document fails the whole call: find it by sending one at a time.
          if (count === 1) {
            const record = pending.records[0] as StoredRecord;
            await this.#rejectRecord(pending.sources[0] as RecordBatch, record, toMongoSinkError("insert", `record ${record.sequenceNumber}`, error, this.#secrets));
            return "done";
          }
          for (let index = 0; index < count; index++) {
            const single: Insert = { documents: [], records: [], sources: [] };
            pushAt(single, pending, index);
            if ((await this.#insertDocuments(collection, single, generation)) === "abandoned") return "abandoned";
          }
          return "done";
        }
        this.#retries++;
        this.#report("insert", toMongoSinkError("insert", `insert of ${count} record(s) failed, retrying`, error, this.#secrets));
        await sleep(backoffDelay(attempt++, this.#options.retryInitialDelayMs, this.#options.retryMaxDelayMs), this.#stop.signal);
      }
    }
    return "done";
  }

  #abandoned(generation: number | undefined): boolean {
    if (this.#stop.signal.aborted) return true;
    return generation !== undefined && generation !== this.#generation;
  }

  /** Replays one spool file; false when MongoDB could not take it (it stays on disk). */
  async #replayNext(): Promise<boolean> {
    const files = await this.spool.pendingFiles();
    if (files.length === 0) {
      await this.spool.serial(async () => {
        if ((await this.spool.pendingFiles()).length === 0) this.#spilling = false;
      });
      return true;
    }
    const file = files[0] as SpoolFileInfo;
    const path = await this.spool.claim(file);
    if (path === undefined) return true;
    try {
      await this.#ensureReady();
    } catch (error) {
      this.#retries++;
      this.#report("replay", toMongoSinkError("replay", `MongoDB is not reachable yet; ${path} waits`, error, this.#secrets));
      return false;
    }
    const experiment = file.experiment;
    const stream = file.stream ?? LOGS_STREAM;
    let chunk: StoredRecord[] = [];
    let count = 0;
    let abandoned = false;
    let failure: { readonly error: unknown } | undefined;
    const sending: Promise<void>[] = [];
    /** Waits until at most `keep` inserts are on their way; false once one was abandoned (close). */
    const settle = async (keep: number) => {
      while (sending.length > keep) await sending.shift();
      if (failure !== undefined) {
        await Promise.all(sending);
        throw failure.error;
      }
      return !abandoned;
    };
    const send = async () => {
      if (chunk.length > 0) {
        const records = chunk;
        chunk = [];
        // Replay is never abandoned by a spill of the memory queue, only by close.
        sending.push(
          this.#insertRecords([{ experiment, stream, records }], undefined).then(
            (outcome) => {
              if (outcome === "abandoned") abandoned = true;
              else count += records.length;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          ),
        );
      }
      return settle(this.#options.maxConcurrentInserts - 1);
    };
    for await (const lines of this.spool.read(path, file.stream === undefined)) {
      for (const line of lines) {
        if (line.kind === "bad") {
          // Kept with the rejected records, so a line cut short by a crash is still on disk to look at.
          const where = file.stream === undefined ? undefined : await this.spool.reject(file.experiment, file.stream, line.text, line.reason);
          if (where !== undefined) this.#rejected++;
          this.#report("replay", new MongoSinkError("replay", `${path} line ${line.line} skipped: ${line.reason}${where === undefined ? "" : `; kept in ${where}`}`));
          continue;
        }
        if (line.kind === "run") {
          await this.#writeStatus(line.run);
          continue;
        }
        chunk.push(line.record);
        if (chunk.length >= this.#options.batchSize && !(await send())) return false;
      }
    }
    if (!(await send()) || !(await settle(0))) return false;
    await this.spool.remove(path);
    this.#replayed += count;
    this.#spooled = Math.max(0, this.#spooled - count);
    return true;
  }

  async #writeStatus(run: RunEnded): Promise<void> {
    await this.#db.collection(this.#options.connection.collections.runs).updateOne(
      { experiment: run.experiment, runId: run.runId },
      {
        $set: {
          status: run.status,
          startedAt: new Date(run.startedAt),
          endedAt: new Date(run.endedAt),
          firstSequenceNumber: run.firstSequenceNumber,
          nextSequenceNumber: run.nextSequenceNumber,
          ...(run.error === undefined ? {} : { error: { name: run.error.name, message: run.error.message } }),
        },
      },
      { upsert: true },
    );
    await this.#locks.release(run.experiment, run.runId);
  }
}

/** Creates a MongoDB sink; see MongoSinkOptions for the defaults. */
export function mongoSink(options: MongoSinkOptions): MongoSink {
  return new MongoSink(options);
}

function closedError(uri: string): DashlogError {
  return new DashlogError("DASHLOG_SINK_CLOSED", `the MongoDB sink for ${uri} is closed; create a new one`);
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
