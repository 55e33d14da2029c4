import { hostname } from "node:os";
import { CRASHED_ERROR_NAME, type RunEnded, type RunInfo } from "@dashlog/core";
import type { Db } from "mongodb";
import type { ExperimentLocks } from "./experiment-lock.js";
import type { CollectionNames } from "./mongo-options.js";
import { workerLockKey, workerLockRunId } from "./worker-lock-key.js";
import type { WorkerPartsStore } from "./worker-parts-store.js";

/**
 * The `runs` collection as the sink sees it: where an experiment's numbering continues,
 * RUNNING when a run opens, its end when it closes (then its lock is released).
 */
export class RunStatusStore {
  readonly #db: Db;
  readonly #collections: Required<CollectionNames>;
  readonly #locks: ExperimentLocks;
  readonly #workers: WorkerPartsStore;

  constructor(db: Db, collections: Required<CollectionNames>, locks: ExperimentLocks, workers: WorkerPartsStore) {
    this.#db = db;
    this.#collections = collections;
    this.#locks = locks;
    this.#workers = workers;
  }

  /** The highest sequence number of `experiment` MongoDB holds, in records or in an ended run's `nextSequenceNumber`; -1 when none. */
  async highestStored(experiment: string): Promise<number> {
    const last = async (collection: string) => {
      const doc = await this.#db
        .collection(collection)
        .find({ experiment }, { projection: { _id: 0, sequenceNumber: 1 } })
        .sort({ sequenceNumber: -1 })
        .limit(1)
        .next();
      return typeof doc?.["sequenceNumber"] === "number" ? doc["sequenceNumber"] : -1;
    };
    const lastRun = await this.#db
      .collection(this.#collections.runs)
      .find({ experiment, nextSequenceNumber: { $exists: true } }, { projection: { _id: 0, nextSequenceNumber: 1 } })
      .sort({ nextSequenceNumber: -1 })
      .limit(1)
      .next();
    const runNext = typeof lastRun?.["nextSequenceNumber"] === "number" ? lastRun["nextSequenceNumber"] : 0;
    // Numbers reserved by joined runs' workers, used or not, are taken too.
    const counter = await this.#db.collection<{ _id: string; next?: number }>(this.#collections.counters).findOne({ _id: experiment });
    const counterNext = typeof counter?.next === "number" ? counter.next : 0;
    return Math.max(await last(this.#collections.logs), await last(this.#collections.streams), runNext - 1, counterNext - 1);
  }

  /**
   * Called with the experiment's lock just taken: a run still stored RUNNING can only be one
   * whose process ended without recording its end (killed, or its lease expired). Its end is
   * recorded now as FAILED with error name `Crashed`, numbered up to `next`; `endedAt` is the
   * time of the last log record (the crash came at or after it). If that run's own end was
   * only spooled and is replayed later, the replay overwrites this with the truth.
   */
  async recordCrashedRuns(by: RunInfo, next: number): Promise<number> {
    const runs = this.#db.collection(this.#collections.runs);
    const crashed = await runs.find({ experiment: by.experiment, status: "RUNNING", runId: { $ne: by.runId } }).toArray();
    if (crashed.length === 0) return 0;
    const last = await this.#db
      .collection(this.#collections.logs)
      .find({ experiment: by.experiment }, { projection: { _id: 0, timestamp: 1 } })
      .sort({ sequenceNumber: -1 })
      .limit(1)
      .next();
    const lastTime = last?.["timestamp"] instanceof Date ? last["timestamp"] : undefined;
    for (const old of crashed) {
      const startedAt = old["startedAt"] instanceof Date ? old["startedAt"] : new Date(by.startedAt);
      const where = typeof old["pid"] === "number" ? ` (pid ${old["pid"]}${typeof old["hostname"] === "string" ? ` on ${old["hostname"]}` : ""})` : "";
      await runs.updateOne(
        { _id: old["_id"], status: "RUNNING" },
        {
          $set: {
            status: "FAILED",
            endedAt: lastTime !== undefined && lastTime >= startedAt ? lastTime : startedAt,
            nextSequenceNumber: Math.max(next, typeof old["firstSequenceNumber"] === "number" ? old["firstSequenceNumber"] : 0),
            error: { name: CRASHED_ERROR_NAME, message: `the run's process${where} ended without recording its end; recorded by run ${by.runId} when it took the experiment` },
          },
        },
      );
    }
    return crashed.length;
  }

  async recordRunning(run: RunInfo, firstSequenceNumber: number): Promise<void> {
    await this.#db.collection(this.#collections.runs).updateOne(
      { experiment: run.experiment, runId: run.runId },
      { $set: { status: "RUNNING", startedAt: new Date(run.startedAt), firstSequenceNumber, pid: process.pid, hostname: hostname() } },
      { upsert: true },
    );
  }

  /** Stores the run's end (a joined run's worker: its part's end), then releases its lock. */
  async recordEnd(run: RunEnded): Promise<void> {
    if (run.worker !== undefined) {
      await this.#workers.recordEnd(run, run.worker);
      await this.#locks.release(workerLockKey(run.experiment, run.runId, run.worker), workerLockRunId(run.runId, run.worker));
      return;
    }
    await this.#db.collection(this.#collections.runs).updateOne(
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
    // Joined runs reserve from the counter: it must not hand out what this run used.
    await this.#db
      .collection<{ _id: string; next: number }>(this.#collections.counters)
      .updateOne({ _id: run.experiment }, { $max: { next: run.nextSequenceNumber } });
    await this.#locks.release(run.experiment, run.runId);
  }
}
