import { processGoneReason, runRecordSchema, runStateOf, type RunRecord, type RunState } from "@dashlog/core";
import type { Db, Document } from "mongodb";
import type { CollectionNames } from "./mongo-options.js";

/** A `runs` document as a RunRecord (dates as ISO strings); undefined when it does not have a run's shape. */
export function toRunRecord(document: Document): RunRecord | undefined {
  const out: Record<string, unknown> = {};
  for (const key of ["runId", "status", "startedAt", "endedAt", "firstSequenceNumber", "nextSequenceNumber", "pid", "hostname", "error"]) {
    const value = document[key];
    if (value === undefined || value === null) continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  const parsed = runRecordSchema.safeParse(out);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every run of an experiment with its effective status, oldest first. A run stored RUNNING
 * is CRASHED when the experiment's lock no longer names it (it ended without recording its
 * end and the lock was released or taken over), when its lease expired (its process stopped
 * renewing it: killed, or cut off from MongoDB for longer than the lease), or when its pid
 * is gone on this host.
 */
export async function readRunStates(db: Db, collections: Required<CollectionNames>, prefix: string, now: Date = new Date()): Promise<RunState[]> {
  const runs = db.collection(collections.runs);
  const before = await runs.find({ experiment: prefix }, { sort: { startedAt: 1 } }).toArray();
  if (!before.some((d) => d["status"] === "RUNNING")) return parse(before).map((run) => runStateOf(run, undefined));
  // The lock is read between two reads of the runs: a run RUNNING in both, with a lock read in
  // between that does not name it, did not just start or just end.
  const lock = await db.collection(collections.locks).findOne({ _id: prefix as never });
  const after = parse(await runs.find({ experiment: prefix }, { sort: { startedAt: 1 } }).toArray());
  const wasRunning = new Set(before.filter((d) => d["status"] === "RUNNING").map((d) => d["runId"]));
  return after.map((run) => runStateOf(run, run.status === "RUNNING" && wasRunning.has(run.runId) ? goneBecause(run, lock, now) : undefined));
}

function goneBecause(run: RunRecord, lock: Document | null, now: Date): string | undefined {
  if (lock === null || lock["runId"] !== run.runId) {
    return lock === null
      ? "the experiment's lock is gone: the run ended without recording its end"
      : `the experiment's lock is held by run ${String(lock["runId"])}: this run ended without recording its end`;
  }
  const expiresAt = lock["expiresAt"];
  if (expiresAt instanceof Date && expiresAt.getTime() < now.getTime()) {
    return `its lease expired at ${expiresAt.toISOString()}: its process stopped renewing it (killed, or cut off from MongoDB)`;
  }
  return processGoneReason(run.pid, run.hostname);
}

function parse(documents: readonly Document[]): RunRecord[] {
  const out: RunRecord[] = [];
  for (const document of documents) {
    const run = toRunRecord(document);
    if (run !== undefined) out.push(run);
  }
  return out;
}
