import { readFile } from "node:fs/promises";
import {
  anyUnrecordedNumbers,
  joinedRunState,
  processGoneReason,
  runStateOf,
  stateUnrecordedNumbers,
  type RunRecord,
  type RunState,
  type SequenceRange,
  type WorkerPartState,
} from "@dashlog/core";
import { lockFile, runsFile, sequenceFile, workerLockFile, workersFile } from "./paths.js";
import { readRuns } from "./runs-file.js";
import { readCounterState } from "./sequence-counter.js";
import { readWorkerParts, type StoredWorkerPart } from "./workers-file.js";

/**
 * Every run of an experiment with its effective status, oldest first: a run stored RUNNING
 * is reported CRASHED when its writer is known to be gone — its lock file no longer names it
 * (it ended without recording its end, and the lock was released or taken over), or the lock
 * still names it but its pid is not alive on this host (SIGKILL, out of memory). A RUNNING run
 * whose lock names it and whose process runs on another host cannot be checked from here and
 * stays RUNNING (local files have no lease).
 */
export async function readRunStates(root: string, prefix: string): Promise<RunState[]> {
  const own = await readOwnRunStates(root, prefix);
  const joined = await readJoinedRunStates(root, prefix);
  if (joined.length === 0) return own;
  return [...own, ...joined].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
}

/**
 * Runs joined by several workers (`workers.jsonl`), each with its workers' parts: a part stored
 * RUNNING whose worker lock is gone, or names another run, or whose process is not alive on
 * this host, is CRASHED; the run is then FAILED naming that worker (see `joinedRunState`).
 */
export async function readJoinedRunStates(root: string, prefix: string): Promise<RunState[]> {
  // The counter before the parts: a worker's count read here is never ahead of blocks it
  // appended before the parts are read (it appends under the lock right after the count moves).
  const counter = readCounterState(sequenceFile(root, prefix));
  const parts = await readWorkerParts(workersFile(root, prefix));
  const judged = new Map<string, WorkerPartState[]>();
  for (const [runId, stored] of parts) {
    const list: WorkerPartState[] = [];
    for (const part of stored) list.push(await judgePart(root, prefix, runId, part));
    judged.set(runId, list);
  }
  // Runs of their own are read only when a worker fell short: their numbers are no gap.
  const own = anyUnrecordedNumbers(judged, counter) ? ownRanges(await readRuns(runsFile(root, prefix))) : [];
  return [...stateUnrecordedNumbers(judged, counter, own)].map(([runId, list]) => joinedRunState(runId, list));
}

function ownRanges(runs: readonly RunRecord[]): SequenceRange[] {
  return runs.flatMap((run) => (run.nextSequenceNumber === undefined ? [] : [{ first: run.firstSequenceNumber, count: Math.max(0, run.nextSequenceNumber - run.firstSequenceNumber) }]));
}

async function judgePart(root: string, prefix: string, runId: string, part: StoredWorkerPart): Promise<WorkerPartState> {
  if (part.status !== "RUNNING") return { ...part, effectiveStatus: part.status };
  const holder = await readLockRunId(workerLockFile(root, prefix, runId, part.worker));
  // Read again after the lock: a part that ended between the two reads is not a crash.
  const again = (await readWorkerParts(workersFile(root, prefix))).get(runId)?.find((p) => p.worker === part.worker);
  if (again !== undefined && again.status !== "RUNNING") return { ...again, effectiveStatus: again.status };
  const gone =
    holder !== runId
      ? "its worker lock is gone: the worker ended without recording its end"
      : processGoneReason(part.pid, part.hostname);
  return gone === undefined ? { ...part, effectiveStatus: "RUNNING" } : { ...part, effectiveStatus: "CRASHED", crashReason: gone };
}

async function readOwnRunStates(root: string, prefix: string): Promise<RunState[]> {
  const path = runsFile(root, prefix);
  const before = await readRuns(path);
  if (!before.some((run) => run.status === "RUNNING")) return before.map((run) => runStateOf(run, undefined));
  // The lock is read between two reads of the runs: a run that is RUNNING in both, with a lock
  // read in between that does not name it, did not just start or just end.
  const holder = await readLockRunId(lockFile(root, prefix));
  const after = await readRuns(path);
  const wasRunning = new Set(before.filter((run) => run.status === "RUNNING").map((run) => run.runId));
  return after.map((run) => runStateOf(run, run.status === "RUNNING" && wasRunning.has(run.runId) ? goneBecause(run, holder) : undefined));
}

function goneBecause(run: RunRecord, holder: string | undefined): string | undefined {
  if (holder !== run.runId) {
    return holder === undefined
      ? "its lock file is gone: the run ended without recording its end"
      : `the experiment's lock is held by run ${holder}: this run ended without recording its end`;
  }
  return processGoneReason(run.pid, run.hostname);
}

async function readLockRunId(path: string): Promise<string | undefined> {
  try {
    const holder = JSON.parse(await readFile(path, "utf8")) as { runId?: unknown };
    return typeof holder.runId === "string" ? holder.runId : undefined;
  } catch {
    return undefined;
  }
}
