/**
 * A joined run's worker holds a lease of its own in the locks collection, under this `_id`:
 * the experiment first (so it shards and sorts with the experiment's lock), then `//`, which no
 * prefix contains, then the run and the worker (neither holds `/`).
 */
export function workerLockKey(experiment: string, runId: string, worker: string): string {
  return `${experiment}//${runId}/${worker}`;
}

/** The `runId` a worker's lease carries: unique per part, as the lease renewal is keyed by it. */
export function workerLockRunId(runId: string, worker: string): string {
  return `${runId}/${worker}`;
}
