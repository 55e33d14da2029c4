import {
  anyUnrecordedNumbers,
  joinedRunState,
  processGoneReason,
  runRecordSchema,
  runStateOf,
  stateUnrecordedNumbers,
  type RunRecord,
  type RunState,
  type SequenceRange,
  type WorkerPartState,
} from "@dashlog/core";
import type { Db, Document } from "mongodb";
import type { CollectionNames } from "./mongo-options.js";
import { workerLockKey, workerLockRunId } from "./worker-lock-key.js";
import { WorkerPartsStore } from "./worker-parts-store.js";

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
  const own = await readOwnRunStates(db, collections, prefix, now);
  const joined = await readJoinedRunStates(db, collections, prefix, now);
  if (joined.length === 0) return own;
  return [...own, ...joined].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
}

/**
 * Runs joined by several workers, each with its parts: a part stored RUNNING whose lease is
 * gone or expired, or whose pid is gone on this host, is CRASHED, and the run FAILED naming it.
 */
export async function readJoinedRunStates(db: Db, collections: Required<CollectionNames>, prefix: string, now: Date = new Date()): Promise<RunState[]> {
  const store = new WorkerPartsStore(db, collections);
  const parts = await store.parts(prefix);
  if (parts.size === 0) return [];
  // Read after the parts, which is safe: only ended or crashed parts are compared with their
  // count, and a worker's blocks are all recorded before its end is.
  const counter = await store.counter(prefix);
  const judgedRuns = new Map<string, WorkerPartState[]>();
  for (const [runId, list] of parts) {
    const judged: WorkerPartState[] = [];
    for (const part of list) {
      if (part.status !== "RUNNING") {
        judged.push({ ...part, effectiveStatus: part.status });
        continue;
      }
      const lock = await db.collection(collections.locks).findOne({ _id: workerLockKey(prefix, runId, part.worker) as never });
      // Read again after the lease: a part that ended in between is not a crash.
      const again = (await store.parts(prefix)).get(runId)?.find((p) => p.worker === part.worker);
      if (again !== undefined && again.status !== "RUNNING") {
        judged.push({ ...again, effectiveStatus: again.status });
        continue;
      }
      const expiresAt = lock?.["expiresAt"];
      const gone =
        lock === null || lock["runId"] !== workerLockRunId(runId, part.worker)
          ? "its worker lease is gone: the worker ended without recording its end"
          : expiresAt instanceof Date && expiresAt.getTime() < now.getTime()
            ? `its lease expired at ${expiresAt.toISOString()}: its process stopped renewing it (killed, or cut off from MongoDB)`
            : processGoneReason(part.pid, part.hostname);
      judged.push(gone === undefined ? { ...part, effectiveStatus: "RUNNING" } : { ...part, effectiveStatus: "CRASHED", crashReason: gone });
    }
    judgedRuns.set(runId, judged);
  }
  // Runs of their own are read only when a worker fell short: their numbers are no gap.
  const own = anyUnrecordedNumbers(judgedRuns, counter) ? parse(await db.collection(collections.runs).find({ experiment: prefix }).toArray()).flatMap(ownRange) : [];
  return [...stateUnrecordedNumbers(judgedRuns, counter, own)].map(([runId, list]) => joinedRunState(runId, list));
}

function ownRange(run: RunRecord): SequenceRange[] {
  return run.nextSequenceNumber === undefined ? [] : [{ first: run.firstSequenceNumber, count: Math.max(0, run.nextSequenceNumber - run.firstSequenceNumber) }];
}

async function readOwnRunStates(db: Db, collections: Required<CollectionNames>, prefix: string, now: Date): Promise<RunState[]> {
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
