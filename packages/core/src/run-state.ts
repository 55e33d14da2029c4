import { hostname } from "node:os";
import type { RunRecord } from "./schemas.js";
import type { RunStatus } from "./sink.js";
import type { WorkerPartState } from "./worker-parts.js";

/** A run's status as a reader should show it: the stored one, or CRASHED when a RUNNING run's process is gone. */
export type EffectiveRunStatus = RunStatus | "CRASHED";

/**
 * The `error.name` a sink stores when it records the end of a crashed run on its behalf
 * (the next run on the prefix does so): the run is stored FAILED with this name, and read
 * back as CRASHED.
 */
export const CRASHED_ERROR_NAME = "Crashed";

/**
 * A run as readers report it (`jsonlReader().runs(prefix)`, `mongoReader().runs(prefix)`):
 * the stored record, plus what it really is. `status` is what was stored; `effectiveStatus`
 * is CRASHED when the run is stored RUNNING but its writer is gone (same host: its pid is not
 * alive; another host or MongoDB: its lock is gone or its lease expired), or when a later run
 * recorded its end as crashed. `crashReason` then says how that was found.
 */
export interface RunState extends RunRecord {
  readonly effectiveStatus: EffectiveRunStatus;
  readonly crashed: boolean;
  readonly crashReason?: string;
  /** A run joined by several processes: each worker's part, in the order they joined. */
  readonly workers?: readonly WorkerPartState[];
}

/** The run's state, given why its writer is known to be gone (`undefined`: it is not known to be gone). */
export function runStateOf(record: RunRecord, goneBecause: string | undefined): RunState {
  if (record.status === "FAILED" && record.error?.name === CRASHED_ERROR_NAME) {
    return { ...record, effectiveStatus: "CRASHED", crashed: true, crashReason: record.error.message };
  }
  if (record.status === "RUNNING" && goneBecause !== undefined) {
    return { ...record, effectiveStatus: "CRASHED", crashed: true, crashReason: goneBecause };
  }
  return { ...record, effectiveStatus: record.status, crashed: false };
}

/**
 * Why the process that wrote a run is known to be gone, or undefined when it may be alive:
 * only a process on this host can be checked (signal 0: ESRCH means no such process; EPERM
 * means alive, owned by someone else). A run of this very process is never judged here.
 */
export function processGoneReason(pid: number | undefined, host: string | undefined): string | undefined {
  if (pid === undefined || host === undefined || host !== hostname() || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") return undefined;
    return `its process ${pid} on ${host} is gone and never recorded the run's end (killed, e.g. SIGKILL or out of memory)`;
  }
}
