import { hostname } from "node:os";
import type { RunEnded, RunInfo } from "@dashlog/core";
import type { Db } from "mongodb";
import type { ExperimentLocks } from "./experiment-lock.js";
import type { CollectionNames } from "./mongo-options.js";

/**
 * The `runs` collection as the sink sees it: where an experiment's numbering continues,
 * RUNNING when a run opens, its end when it closes (then its lock is released).
 */
export class RunStatusStore {
  readonly #db: Db;
  readonly #collections: Required<CollectionNames>;
  readonly #locks: ExperimentLocks;

  constructor(db: Db, collections: Required<CollectionNames>, locks: ExperimentLocks) {
    this.#db = db;
    this.#collections = collections;
    this.#locks = locks;
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
    return Math.max(await last(this.#collections.logs), await last(this.#collections.streams), runNext - 1);
  }

  async recordRunning(run: RunInfo, firstSequenceNumber: number): Promise<void> {
    await this.#db.collection(this.#collections.runs).updateOne(
      { experiment: run.experiment, runId: run.runId },
      { $set: { status: "RUNNING", startedAt: new Date(run.startedAt), firstSequenceNumber, pid: process.pid, hostname: hostname() } },
      { upsert: true },
    );
  }

  /** Stores the run's end, then releases its lock. */
  async recordEnd(run: RunEnded): Promise<void> {
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
    await this.#locks.release(run.experiment, run.runId);
  }
}
