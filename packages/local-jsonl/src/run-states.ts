import { readFile } from "node:fs/promises";
import { processGoneReason, runStateOf, type RunRecord, type RunState } from "@dashlog/core";
import { lockFile, runsFile } from "./paths.js";
import { readRuns } from "./runs-file.js";

/**
 * Every run of an experiment with its effective status, oldest first: a run stored RUNNING
 * is reported CRASHED when its writer is known to be gone — its lock file no longer names it
 * (it ended without recording its end, and the lock was released or taken over), or the lock
 * still names it but its pid is not alive on this host (SIGKILL, out of memory). A RUNNING run
 * whose lock names it and whose process runs on another host cannot be checked from here and
 * stays RUNNING (local files have no lease).
 */
export async function readRunStates(root: string, prefix: string): Promise<RunState[]> {
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
