import type { RunState } from "./run-state.js";
import type { RunStatus, SequenceRange } from "./sink.js";

/** One worker's part of a joined run, as readers report it. */
export interface WorkerPartState {
  readonly worker: string;
  /** What the worker stored: RUNNING until it records its end. */
  readonly status: RunStatus;
  /** CRASHED when it is stored RUNNING but its process is known to be gone. */
  readonly effectiveStatus: RunStatus | "CRASHED";
  readonly startedAt: string;
  readonly endedAt?: string | undefined;
  readonly pid?: number | undefined;
  readonly hostname?: string | undefined;
  /** Every block of numbers the worker reserved, in order. */
  readonly reserved: readonly SequenceRange[];
  /** Numbers it reserved and never used, as it stated at its end (absent for a crashed worker: see `reserved` and its records). */
  readonly unusedSequenceNumbers?: readonly SequenceRange[] | undefined;
  /** Where the counter stood when the worker joined: its blocks start no lower. Absent in parts stored before it was recorded. */
  readonly sequenceFloor?: number | undefined;
  /**
   * How many numbers the experiment's counter handed this worker, counted in the same atomic
   * step that moved the counter. Present while the counter keeps the worker's count (the local
   * counter forgets a worker that recorded its end: every block it took is then in `reserved`).
   */
  readonly takenSequenceNumbers?: number | undefined;
  /**
   * Numbers the counter handed this worker that its part never recorded: its process was killed
   * between moving the counter and recording the block (or the acknowledgement of a reservation
   * was lost and it was retried). These numbers hold no record. Absent when there are none.
   */
  readonly unrecordedSequenceNumbers?: readonly SequenceRange[] | undefined;
  /**
   * When several workers fall short, the numbers none of them recorded are shared out between
   * them by order (each takes the first unrecorded numbers past its own last block), which cannot
   * be proven: the other workers that fell short are named here.
   */
  readonly unrecordedSharedWith?: readonly string[] | undefined;
  /** One past the last number it used, when it recorded its end. */
  readonly nextSequenceNumber?: number | undefined;
  readonly error?: { readonly name: string; readonly message: string } | undefined;
  readonly crashReason?: string | undefined;
}

/**
 * A joined run's state from its workers' parts: FAILED as soon as one part failed or crashed
 * (its `error` names the worker), RUNNING while any part runs, COMPLETED when every worker
 * that joined completed.
 */
export function joinedRunState(runId: string, parts: readonly WorkerPartState[]): RunState & { readonly workers: readonly WorkerPartState[] } {
  const startedAt = parts.reduce((min, p) => (p.startedAt < min ? p.startedAt : min), parts[0]?.startedAt ?? new Date(0).toISOString());
  const firstSequenceNumber = Math.min(...parts.flatMap((p) => p.reserved.map((r) => r.first)), Number.MAX_SAFE_INTEGER);
  const bad = parts.filter((p) => p.effectiveStatus === "FAILED" || p.effectiveStatus === "CRASHED");
  const running = parts.some((p) => p.effectiveStatus === "RUNNING");
  const status: RunStatus = bad.length > 0 ? "FAILED" : running ? "RUNNING" : "COMPLETED";
  const ended = parts.every((p) => p.endedAt !== undefined || p.effectiveStatus === "CRASHED");
  const endedAt = ended ? parts.reduce((max, p) => ((p.endedAt ?? "") > max ? (p.endedAt ?? "") : max), "") : "";
  const crashed = bad.some((p) => p.effectiveStatus === "CRASHED");
  const error =
    bad.length === 0
      ? undefined
      : {
          name: bad[0]?.effectiveStatus === "CRASHED" ? "WorkerCrashed" : "WorkerFailed",
          message: bad
            .map((p) => `worker ${p.worker} ${p.effectiveStatus === "CRASHED" ? `crashed (${p.crashReason ?? "its process is gone"})` : `failed (${p.error?.name ?? "Error"}: ${p.error?.message ?? ""})`}`)
            .join("; "),
        };
  return {
    runId,
    status,
    startedAt,
    ...(endedAt === "" ? {} : { endedAt }),
    firstSequenceNumber: firstSequenceNumber === Number.MAX_SAFE_INTEGER ? 0 : firstSequenceNumber,
    ...(error === undefined ? {} : { error }),
    effectiveStatus: status,
    crashed,
    ...(crashed && error !== undefined ? { crashReason: error.message } : {}),
    workers: parts,
  };
}
