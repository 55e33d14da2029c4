import type { RunRecord, RunState, WorkerPartState } from "@dashlog/core";
import type { ReportWorker } from "./report-data.js";

/**
 * Log records per worker name for the runs of one experiment: null for a name that several
 * joined runs used, as a record says which worker wrote it but not in which run.
 */
export function recordsByWorker(runs: readonly RunRecord[], counted: ReadonlyMap<string, number>): Map<string, number | null> {
  const runsOf = new Map<string, number>();
  for (const run of runs) for (const part of (run as Partial<RunState>).workers ?? []) runsOf.set(part.worker, (runsOf.get(part.worker) ?? 0) + 1);
  const out = new Map<string, number | null>();
  for (const [worker, n] of runsOf) out.set(worker, n > 1 ? null : (counted.get(worker) ?? 0));
  return out;
}

/**
 * A joined run's parts as the page shows them: the effective status (CRASHED for a part
 * whose process is gone) beside the stored one, the records the index counted for each
 * worker, the reserved numbers each stated it never used, and those it took from the counter
 * but never recorded (readers state them for a worker killed between the two steps).
 */
export function toReportWorkers(parts: readonly WorkerPartState[], records: ReadonlyMap<string, number | null>): ReportWorker[] {
  return parts.map((part) => ({
    worker: part.worker,
    storedStatus: part.status,
    status: part.effectiveStatus,
    crashReason: part.crashReason ?? null,
    startedAt: part.startedAt,
    endedAt: part.endedAt ?? null,
    error: part.error ?? null,
    hostname: part.hostname ?? null,
    pid: part.pid ?? null,
    records: records.has(part.worker) ? (records.get(part.worker) as number | null) : 0,
    reserved: { numbers: part.reserved.reduce((n, r) => n + r.count, 0), blocks: part.reserved.length },
    unused: part.unusedSequenceNumbers === undefined ? null : part.unusedSequenceNumbers.map((r) => ({ first: r.first, count: r.count })),
    unrecorded:
      part.unrecordedSequenceNumbers === undefined || part.unrecordedSequenceNumbers.length === 0
        ? null
        : { ranges: part.unrecordedSequenceNumbers.map((r) => ({ first: r.first, count: r.count })), sharedWith: [...(part.unrecordedSharedWith ?? [])] },
  }));
}
