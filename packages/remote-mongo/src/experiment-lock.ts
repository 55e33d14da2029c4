import { hostname } from "node:os";
import { ExperimentLockedError, type RunInfo } from "@dashlog/core";
import type { Collection, Document } from "mongodb";
import { DUPLICATE_KEY } from "./classify-error.js";

/** Runs whose lock a sink of this process holds: a lock of this process not listed here was left by a run that ended without releasing it. */
const heldInThisProcess = new Set<string>();

interface LockDocument extends Document {
  _id: string;
  runId: string;
  pid: number;
  hostname: string;
  expiresAt: Date;
}

/**
 * One writer per experiment, as in local mode: a lease document per experiment in the
 * locks collection, renewed while the run lasts and deleted when it ends. A lease left by a
 * process that is gone (same host, pid not alive) or that expired is taken over.
 */
export class ExperimentLocks {
  readonly #collection: Collection<LockDocument>;
  readonly #leaseMs: number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #onRenewFailure: (error: unknown) => void;

  constructor(collection: Collection<LockDocument>, leaseMs: number, onRenewFailure: (error: unknown) => void) {
    this.#collection = collection;
    this.#leaseMs = leaseMs;
    this.#onRenewFailure = onRenewFailure;
  }

  async acquire(run: RunInfo): Promise<void> {
    const now = new Date();
    const fields = { runId: run.runId, pid: process.pid, hostname: hostname(), expiresAt: new Date(now.getTime() + this.#leaseMs) };
    try {
      await this.#collection.findOneAndUpdate(
        { _id: run.experiment, $or: [{ expiresAt: { $lt: now } }, { runId: run.runId }] },
        { $set: fields },
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code !== DUPLICATE_KEY) throw error;
      const holder = await this.#collection.findOne({ _id: run.experiment });
      if (holder === null || !isGone(holder)) {
        const who = holder === null ? "another writer" : `run ${holder.runId} (pid ${holder.pid} on ${holder.hostname}, lease until ${holder.expiresAt.toISOString()})`;
        throw new ExperimentLockedError(run.experiment, who, "wait for it to end, or for its lease to expire if it crashed on another machine");
      }
      const taken = await this.#collection.updateOne({ _id: run.experiment, runId: holder.runId }, { $set: fields });
      if (taken.matchedCount === 0) {
        throw new ExperimentLockedError(run.experiment, "another writer", "it took the experiment at the same moment");
      }
    }
    heldInThisProcess.add(run.runId);
    const timer = setInterval(() => {
      this.#collection
        .updateOne({ _id: run.experiment, runId: run.runId }, { $set: { expiresAt: new Date(Date.now() + this.#leaseMs) } })
        .catch(this.#onRenewFailure);
    }, Math.max(50, this.#leaseMs / 3));
    timer.unref();
    this.#timers.set(run.runId, timer);
  }

  /** Stops renewing; the lease then runs out by itself if `release` cannot reach the server. */
  stopRenewing(runId: string): void {
    clearInterval(this.#timers.get(runId));
    this.#timers.delete(runId);
    heldInThisProcess.delete(runId);
  }

  async release(experiment: string, runId: string): Promise<void> {
    this.stopRenewing(runId);
    await this.#collection.deleteOne({ _id: experiment, runId });
  }

  stopAll(): void {
    for (const runId of [...this.#timers.keys()]) this.stopRenewing(runId);
  }
}

function isGone(holder: LockDocument): boolean {
  if (holder.expiresAt.getTime() < Date.now()) return true;
  if (holder.hostname !== hostname()) return false;
  if (holder.pid === process.pid) return !heldInThisProcess.has(holder.runId);
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
