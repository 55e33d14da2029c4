import {
  DashlogError,
  countRecords,
  IssueChannel,
  batchKind,
  onProcessExit,
  type MetricsOpened,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type SequenceRange,
  type Sink,
  ExperimentLockedError,
  RunStateError,
} from "@dashlog/core";
import { MongoClient, type Db } from "mongodb";
import { backoffDelay, sleep } from "./backoff.js";
import { ExperimentLocks } from "./experiment-lock.js";
import { ensureIndexes } from "./index-specs.js";
import { StaleMetricsIndexError, retireStaleMetricsIndex } from "./stale-metrics-index.js";
import { InsertPipeline } from "./insert-pipeline.js";
import { readJoinedMetricsOpened, readMetricsOpened } from "./metrics-opened.js";
import { MongoSinkError, toMongoSinkError } from "./mongo-sink-error.js";
import { resolveSinkOptions, type MongoSinkOptions, type ResolvedSinkOptions } from "./mongo-sink-options.js";
import type { MongoCloseReport, MongoSinkStats } from "./mongo-sink-report.js";
import { QueueSender } from "./queue-sender.js";
import { redactUri, uriSecrets } from "./redact-uri.js";
import { RunStatusStore } from "./run-status-store.js";
import { SinkCounters } from "./sink-counters.js";
import { SpoolReplay } from "./spool-replay.js";
import { workerLockKey, workerLockRunId } from "./worker-lock-key.js";
import { WorkerPartsStore } from "./worker-parts-store.js";
import { Spool, type SpoolFileCount } from "./spool.js";

export type { MongoCloseReport, MongoSinkStats } from "./mongo-sink-report.js";

/**
 * A core `Sink` that stores records in MongoDB. `write` only queues (or, when the queue is
 * full or MongoDB has been away, appends to the local spool) and returns: a background
 * pump sends batches through the insert pipeline, and replays the spool when MongoDB is back.
 *
 * The data path, in one direction: `write` -> queue (QueueSender) -> InsertPipeline ->
 * MongoDB; or `write` -> Spool -> SpoolReplay -> InsertPipeline -> MongoDB. Run statuses go
 * through RunStatusStore (or the spool, when MongoDB is away), the lock through ExperimentLocks.
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
  readonly #runs: RunStatusStore;
  readonly #workers: WorkerPartsStore;
  readonly #counters = new SinkCounters();
  readonly #sender: QueueSender;
  readonly #replay: SpoolReplay;
  #ready: Promise<void> | null = null;
  /** Set at start when the metrics collection keeps an earlier build's unique index: joined runs are refused (see stale-metrics-index.ts). */
  #staleMetricsIndex: StaleMetricsIndexError | undefined;

  /** Records go to the spool, not the queue, until the replay has emptied it. */
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
  readonly #ageCheck: NodeJS.Timeout;
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
    this.#workers = new WorkerPartsStore(this.#db, connection.collections);
    this.#runs = new RunStatusStore(this.#db, connection.collections, this.#locks, this.#workers);
    const report = (name: string, error: unknown) => this.#report(name, error);
    const ensureReady = () => this.#ensureReady();
    const pipeline = new InsertPipeline({
      db: this.#db,
      collections: connection.collections,
      spool: this.spool,
      counters: this.#counters,
      retryInitialDelayMs: this.#options.retryInitialDelayMs,
      retryMaxDelayMs: this.#options.retryMaxDelayMs,
      stop: this.#stop.signal,
      secrets: this.#secrets,
      ensureReady,
      report,
    });
    this.#sender = new QueueSender(pipeline, this.#secrets, report, () => this.#signal());
    this.#replay = new SpoolReplay({
      spool: this.spool,
      pipeline,
      counters: this.#counters,
      batchSize: this.#options.batchSize,
      maxConcurrentInserts: this.#options.maxConcurrentInserts,
      secrets: this.#secrets,
      ensureReady,
      writeStatus: (run) => this.#runs.recordEnd(run),
      report,
    });
    if (this.#options.onIssue !== undefined) this.#issues.on(this.#options.onIssue);
    this.#unsubscribeExit = onProcessExit(() => this.#spillSync());
    this.#ageCheck = setInterval(() => this.#spillIfOld(), Math.max(10, Math.min(250, this.#options.spillAfterMs / 4)));
    this.#ageCheck.unref();
    this.#pump = this.#run();
  }

  get stats(): MongoSinkStats {
    const c = this.#counters;
    return {
      queued: this.#sender.size,
      inserted: c.inserted,
      duplicates: c.duplicates,
      spooled: c.spooled,
      replayed: c.replayed,
      rejected: c.rejected,
      retries: c.retries,
    };
  }

  /**
   * Queues the records, or appends them to the spool when memory is full or MongoDB has been
   * away. The first time, the queue goes to the spool ahead of them, so the spool always
   * continues exactly where MongoDB's gap-free part ends. Never waits on the network.
   */
  async write(batches: readonly RecordBatch[]): Promise<void> {
    if (this.#closing !== null) throw closedError(this.redactedUri);
    const count = countRecords(batches);
    if (count === 0) return;
    this.#noteHighest(batches);
    if (this.#spilling || this.#sender.size + count > this.#options.maxQueueLength) {
      if (!this.#spilling) this.#startSpilling(`more than maxQueueLength (${this.#options.maxQueueLength}) records wait for it`);
      await this.spool.append(batches);
      this.#counters.spooled += count;
      this.#signal();
      return;
    }
    this.#enqueue(batches);
  }

  /** From now until the spool is replayed, records go to the spool; the queue goes first. */
  #startSpilling(why: string): void {
    if (!this.#spilling) {
      this.#report("spill", new MongoSinkError("spill", `MongoDB at ${this.redactedUri} is not keeping up (${why}): records go to the spool ${this.spool.pendingDir} until it is replayed`));
    }
    void this.#spillQueue();
  }

  /** Records older than `spillAfterMs` are still in memory only: move the queue to the spool (a crash would lose them). */
  #spillIfOld(): void {
    const oldest = this.#sender.oldestQueuedAt;
    if (oldest === undefined || Date.now() - oldest < this.#options.spillAfterMs) return;
    this.#startSpilling(`a record waited ${Date.now() - oldest} ms, longer than spillAfterMs (${this.#options.spillAfterMs})`);
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
      this.#counters.spooled += this.spool.appendSync(batches);
      this.#spilling = true;
      return;
    }
    if (!this.#spilling && this.#sender.size + count <= this.#options.maxQueueLength) {
      this.#enqueue(batches);
      return;
    }
    if (!this.#spilling) this.#startSpilling(`more than maxQueueLength (${this.#options.maxQueueLength}) records wait for it`);
    // An async append may be half-way through the same file: queue behind it rather than
    // interleave. Until it lands the batches are held here, and the exit handler writes them.
    this.#unsettled.add(batches);
    void this.spool
      .append(batches)
      .then(
        (n) => {
          this.#counters.spooled += n;
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
    this.#sender.push(batches);
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
    if (run.worker !== undefined) return this.#joinRun(run, run.worker);
    await this.#attempt("openRun", `cannot open run ${run.runId} of ${JSON.stringify(run.experiment)}`, async () => {
      await this.#ensureReady();
      await this.#locks.acquire(run);
      await this.#refuseIfWorkersRun(run);
    });
    // Records only move memory -> spool -> MongoDB, and the pump may be replaying right now:
    // read the spool before MongoDB, and remember what passed through this sink, so a record
    // in transit is always seen in one of them.
    const spooled = await this.spool.maxSequenceNumber(run.experiment);
    const highest = await this.#attempt("openRun", `cannot read the last sequence number of ${JSON.stringify(run.experiment)}`, () =>
      this.#runs.highestStored(run.experiment),
    );
    const next = Math.max(highest, spooled, this.#highest.get(run.experiment) ?? -1) + 1;
    let metrics: MetricsOpened;
    try {
      const pending = await this.spool.maxMetricIndexes(run.experiment);
      for (const [key, max] of this.#highestMetric.get(run.experiment) ?? []) pending.set(key, Math.max(max, pending.get(key) ?? -1));
      metrics = await this.#attempt("openRun", `cannot read the metrics of ${JSON.stringify(run.experiment)}`, () =>
        readMetricsOpened(this.#db, this.#options.connection.collections, run.experiment, pending),
      );
      await this.#attempt("openRun", `cannot record run ${run.runId} as RUNNING`, async () => {
        await this.#runs.recordCrashedRuns(run, next);
        await this.#runs.recordRunning(run, next);
      });
    } catch (error) {
      await this.#locks.release(run.experiment, run.runId).catch(() => undefined);
      throw error;
    }
    return { nextSequenceNumber: next, metrics };
  }

  /**
   * Joins a run shared by several workers: this worker's own lease (a second process with the
   * same worker name in the same run is refused; the experiment's lease is not taken, and must
   * not be held by a run of its own), the counter moved past what is stored, the part RUNNING.
   * Its metric points carry the worker; its parameters go to the experiment's shared
   * parameters document (see readJoinedMetricsOpened and joinedParamsUpdate).
   */
  async #joinRun(run: RunInfo, worker: string): Promise<RunOpened> {
    const lock = { ...run, experiment: workerLockKey(run.experiment, run.runId, worker), runId: workerLockRunId(run.runId, worker) };
    await this.#attempt("openRun", `cannot join run ${run.runId} of ${JSON.stringify(run.experiment)} as worker ${JSON.stringify(worker)}`, async () => {
      await this.#ensureReady();
      if (this.#staleMetricsIndex !== undefined) throw this.#staleMetricsIndex;
      const single = await this.#db.collection(this.#options.connection.collections.locks).findOne({ _id: run.experiment as never });
      const expiresAt = single?.["expiresAt"];
      if (single !== null && expiresAt instanceof Date && expiresAt.getTime() > Date.now()) {
        throw new ExperimentLockedError(run.experiment, `run ${String(single["runId"])} (a run of its own, pid ${String(single["pid"])} on ${String(single["hostname"])})`, "wait for it to end before joining a run of the experiment");
      }
      await this.#locks.acquire(lock);
    });
    try {
      const spooled = await this.spool.maxSequenceNumber(run.experiment);
      const highest = await this.#attempt("openRun", `cannot read the last sequence number of ${JSON.stringify(run.experiment)}`, () => this.#runs.highestStored(run.experiment));
      const floor = Math.max(highest, spooled, this.#highest.get(run.experiment) ?? -1) + 1;
      // Only the spool, not what this sink handed on: workers sharing one sink in one process
      // would otherwise start past each other's points.
      const pending = await this.spool.maxMetricIndexes(run.experiment);
      const metrics = await this.#attempt("openRun", `cannot read the metrics of ${JSON.stringify(run.experiment)}`, () =>
        readJoinedMetricsOpened(this.#db, this.#options.connection.collections, run.experiment, worker, pending),
      );
      await this.#attempt("openRun", `cannot record worker ${JSON.stringify(worker)} of run ${run.runId} as RUNNING`, () => this.#workers.join(run, worker, floor));
      return { nextSequenceNumber: floor, metrics };
    } catch (error) {
      await this.#locks.release(lock.experiment, lock.runId).catch(() => undefined);
      throw error;
    }
  }

  /** A block of sequence numbers for a joined run's worker: one atomic `$inc` on the experiment's counter (see WorkerPartsStore). */
  async reserveSequenceNumbers(run: RunInfo, count: number): Promise<SequenceRange> {
    const worker = run.worker;
    if (worker === undefined) throw new RunStateError(`reserveSequenceNumbers: run ${run.runId} of ${JSON.stringify(run.experiment)} is not a joined run`);
    return this.#attempt("reserveSequenceNumbers", `cannot reserve sequence numbers for worker ${JSON.stringify(worker)} of ${JSON.stringify(run.experiment)}`, async () => {
      await this.#ensureReady();
      return this.#workers.reserve(run, worker, count);
    });
  }

  /** A run of its own may not start while live workers of a joined run write the experiment (their blocks would collide with its numbers). */
  async #refuseIfWorkersRun(run: RunInfo): Promise<void> {
    const parts = await this.#workers.parts(run.experiment);
    const keys: string[] = [];
    for (const [runId, list] of parts) for (const part of list) if (part.status === "RUNNING") keys.push(workerLockKey(run.experiment, runId, part.worker));
    if (keys.length === 0) return;
    const live = await this.#db
      .collection(this.#options.connection.collections.locks)
      .findOne({ _id: { $in: keys } as never, expiresAt: { $gt: new Date() } });
    if (live === null) return;
    await this.#locks.release(run.experiment, run.runId).catch(() => undefined);
    throw new ExperimentLockedError(run.experiment, `worker lease ${String(live["_id"])} (pid ${String(live["pid"])} on ${String(live["hostname"])})`, "wait for the joined run's workers to end");
  }

  /** Writes the run's records first (or spools them), then its status; if MongoDB is away the status is spooled too. */
  async closeRun(run: RunEnded): Promise<void> {
    const drained = await this.#flush(this.#options.flushTimeoutMs);
    try {
      // After a timed-out flush the status would only wait for the same outage: spool it now.
      if (!drained) throw new MongoSinkError("closeRun", `MongoDB at ${this.redactedUri} did not take the run's records within ${this.#options.flushTimeoutMs} ms`);
      await this.#ensureReady();
      await this.#runs.recordEnd(run);
    } catch (error) {
      this.#locks.stopRenewing(run.worker === undefined ? run.runId : workerLockRunId(run.runId, run.worker));
      await this.spool.appendRun(run);
      this.#spilling = true;
      this.#report("status", toMongoSinkError("closeRun", `status ${run.status} of run ${run.runId} kept in the spool`, error, this.#secrets));
    }
  }

  closeRunSync(run: RunEnded): void {
    // The lease is left to expire (or to be taken over once this pid is gone): no network at exit.
    this.#locks.stopRenewing(run.worker === undefined ? run.runId : workerLockRunId(run.runId, run.worker));
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
    clearInterval(this.#ageCheck);
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
      complete: sum(unwrittenFiles) === 0 && this.#counters.rejected === 0,
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

  /** The pump: sends the queue while there is one, otherwise replays the spool, otherwise sleeps until woken. */
  async #run(): Promise<void> {
    try {
      if ((await this.spool.pendingFiles()).length > 0) this.#spilling = true;
    } catch (error) {
      this.#report("spool", error);
    }
    let replayFailures = 0;
    while (!this.#stop.signal.aborted) {
      if (this.#sender.unsent > 0) {
        if (this.#sender.running >= this.#options.maxConcurrentInserts) await this.#waitForWork();
        else await this.#sendQueued();
        continue;
      }
      if (this.#sender.inFlight) {
        await this.#waitForWork();
        continue;
      }
      if (this.#spilling) {
        const step = await this.#replay
          .next(() => {
            this.#spilling = false;
          })
          .catch((error: unknown) => {
            this.#report("replay", toMongoSinkError("replay", "replay of the spool failed", error, this.#secrets));
            return "waiting" as const;
          });
        if (step !== "waiting") {
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
    // Close moves the queue to the spool next: let the inserts on their way end first, but not
    // forever: an insert the outage left hanging on a dead connection must not hold close (what
    // it carries is still in the queue or already in the spool; if it lands later, the replay
    // counts it as a duplicate).
    await Promise.race([this.#sender.settled(), sleep(Math.max(2000, this.#options.retryMaxDelayMs))]);
  }

  #notifyIdleIfDone(): void {
    if (this.#sender.size > 0 || this.#spilling) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Waits for a full batch (at most `flushIntervalMs`), then starts its insert without waiting for it. */
  async #sendQueued(): Promise<void> {
    const { batchSize, flushIntervalMs } = this.#options;
    if (this.#sender.failures > 0) {
      await sleep(backoffDelay(this.#sender.failures - 1, this.#options.retryInitialDelayMs, this.#options.retryMaxDelayMs), this.#stop.signal);
    } else if (this.#sender.unsent < batchSize && this.#urgent === 0 && flushIntervalMs > 0) {
      // Wake early when flushed or closed.
      const deadline = Date.now() + flushIntervalMs;
      while (this.#sender.unsent < batchSize && this.#urgent === 0 && !this.#stop.signal.aborted) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await this.#waitForWork(left);
      }
    }
    if (this.#stop.signal.aborted || this.#sender.running >= this.#options.maxConcurrentInserts) return;
    this.#sender.send(batchSize);
  }

  /**
   * Moves every queued record to the spool (spill, flush timeout, close): taken from memory at
   * once, and from then on new records follow them to the spool, appended after them. Until the
   * append lands they are held in `#unsettled`, which the exit handler writes; if it fails they
   * go back to the front of the queue.
   */
  #spillQueue(): Promise<void> {
    this.#spilling = true;
    if (this.#sender.size === 0) return Promise.resolve();
    const at = this.#sender.oldestQueuedAt ?? Date.now();
    const queued = this.#sender.takeAll();
    this.#unsettled.add(queued);
    return this.spool
      .append(queued)
      .then(
        (n) => {
          this.#counters.spooled += n;
        },
        (error: unknown) => {
          this.#report("spool", toMongoSinkError("spill", `${countRecords(queued)} queued record(s) could not be moved to the spool; they stay in memory`, error, this.#secrets));
          this.#sender.putBack(queued, at);
        },
      )
      .finally(() => {
        this.#unsettled.delete(queued);
        this.#signal();
      });
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
        this.#counters.spooled += this.spool.appendSync(batches);
      } catch (error) {
        process.stderr.write(`dashlog: records for MongoDB could not be spooled at exit: ${String(error)}\n`);
      }
    }
    this.#unsettled.clear();
    if (this.#sender.size === 0) return;
    const queued = this.#sender.takeAll();
    try {
      this.#counters.spooled += this.spool.appendSync(queued);
    } catch (error) {
      process.stderr.write(`dashlog: ${countRecords(queued)} record(s) for MongoDB could not be spooled at exit: ${String(error)}\n`);
    }
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
      this.#staleMetricsIndex = await retireStaleMetricsIndex(this.#db, this.#options.connection.collections.metrics);
      // Runs of their own go on (their points have no worker); said once, so it is not a surprise when a joined run is refused.
      if (this.#staleMetricsIndex !== undefined) this.#report("indexes", this.#staleMetricsIndex);
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
}

/** Creates a MongoDB sink; see MongoSinkOptions for the defaults. */
export function mongoSink(options: MongoSinkOptions): MongoSink {
  return new MongoSink(options);
}

function closedError(uri: string): DashlogError {
  return new DashlogError("DASHLOG_SINK_CLOSED", `the MongoDB sink for ${uri} is closed; create a new one`);
}
