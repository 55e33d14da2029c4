import type { MetricsOpened } from "./metric-batches.js";
import type { StoredRecord } from "./record.js";

/** Records of one stream of one experiment, in sequence order. */
export interface RecordBatch {
  /** The experiment prefix, e.g. `alice/project/my-experiment`. */
  readonly experiment: string;
  readonly stream: string;
  readonly records: readonly StoredRecord[];
  /**
   * The worker that wrote these records, in a joined run only (see `RunInfo.worker`): sinks
   * store it with each record of a stream other than `logs` (whose records carry it already).
   */
  readonly worker?: string | undefined;
}

/** How many records a list of batches holds. */
export function countRecords(batches: readonly RecordBatch[]): number {
  let n = 0;
  for (const batch of batches) n += batch.records.length;
  return n;
}

export type RunStatus = "RUNNING" | "COMPLETED" | "FAILED";

export interface RunInfo {
  readonly experiment: string;
  readonly runId: string;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  /**
   * Set only when this process joins a run shared by several workers (`new Experiment({ runId })`):
   * the name of this process's part. Such a run is numbered from blocks reserved with
   * `reserveSequenceNumbers`, not from `RunOpened.nextSequenceNumber`, and its lock is per worker.
   */
  readonly worker?: string | undefined;
}

/** Sequence numbers `first` .. `first + count - 1`, reserved by one worker of a joined run. */
export interface SequenceRange {
  readonly first: number;
  readonly count: number;
}

export interface RunOpened {
  /** Where this run's numbering starts: one past the last record already stored. */
  readonly nextSequenceNumber: number;
  /**
   * Present when the sink stores metric points and parameter changes: they then arrive as
   * batches whose `stream` starts with `@` (see `batchKind`). Without it they are dropped.
   */
  readonly metrics?: MetricsOpened | undefined;
}

export interface RunEnded extends RunInfo {
  readonly status: Exclude<RunStatus, "RUNNING">;
  readonly endedAt: string;
  readonly firstSequenceNumber: number;
  /** One past the last sequence number this run used. */
  readonly nextSequenceNumber: number;
  readonly error?: { readonly name: string; readonly message: string };
  /** Records of the run that never reached the sink (it kept failing until the run's end gave up); absent when none. */
  readonly unwritten?: number;
  /**
   * A joined run's worker only: numbers it reserved and never used (the end of its last
   * block, a block fetched ahead). Stored with its status, so the gap is never silent.
   */
  readonly unusedSequenceNumbers?: readonly SequenceRange[];
}

/**
 * Where records go. Only `write` is required: a sink is an object with a function that
 * stores batches. Batching, retries, ordering and the exit-time flush are done for it by
 * the run's BatchProcessor. Who calls what, and when:
 *
 * - `openRun` once when a run starts (`experiment.start()` / `run(fn)`), before any write.
 * - `write` off the caller's path, never twice at once, with at most the experiment's
 *   `batchSize` records per call (all streams together, `logs` first). If it throws or
 *   rejects, the issue is reported and the same batches are offered again later, unchanged
 *   (at-least-once): a sink that may have stored part of a batch must skip the sequence
 *   numbers it already has, or throw `PartialWriteError` saying how much it stored.
 * - `writeSync` at process exit, and also inline inside `exp.log()` while the process runs
 *   (when a caller queues SYNC_WRITE_BATCHES batches without yielding, or its oldest queued
 *   record is `flushIntervalMs` old) unless `writeSyncAtExitOnly` is true.
 * - `flush` by `exp.flush()`, after everything logged so far went through `write`.
 * - `closeRun` once when the run ends, after its records were written or given up on.
 * - `closeRunSync` instead of `closeRun` when the process exits during the run.
 * - `close` only for the default sink the run created itself: a sink you pass in is yours
 *   (it may serve several runs), so close it when you are done with it.
 */
export interface Sink {
  write(batches: readonly RecordBatch[]): void | Promise<void>;
  /**
   * The same as `write`, synchronously. Used when the process exits, and (unless
   * `writeSyncAtExitOnly`) inline from `exp.log()` when the caller does not yield. Without it,
   * records still queued at exit are lost (and counted).
   */
  writeSync?(batches: readonly RecordBatch[]): void;
  /**
   * True: `writeSync` is only for process exit (it is slow, or blocks on I/O the caller should
   * not pay for); a caller that never yields then sees records dropped (and counted) when the
   * queue is full rather than paying for writes inline.
   */
  readonly writeSyncAtExitOnly?: boolean;
  flush?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /** A run starts: take the experiment's lock, record RUNNING, and say where numbering continues. */
  openRun?(run: RunInfo): RunOpened | Promise<RunOpened>;
  /** A run ended and all its records were written (or given up on: `unwritten` says how many): record the status, release the lock. */
  closeRun?(run: RunEnded): void | Promise<void>;
  /** `closeRun` at process exit, synchronously. */
  closeRunSync?(run: RunEnded): void;
  /**
   * Needed to join a run (`RunInfo.worker` set): reserve `count` sequence numbers of the
   * experiment, unique across every process writing it, and record the reservation with the
   * worker's part, so numbers a crashed worker never used are accounted for. Core calls it off
   * the logging path, one block ahead of need.
   */
  reserveSequenceNumbers?(run: RunInfo, count: number): SequenceRange | Promise<SequenceRange>;
  /**
   * The same, synchronously: lets core number a record at once when a block ran out before the
   * next one arrived, and at process exit. Without it such records wait for the next block.
   */
  reserveSequenceNumbersSync?(run: RunInfo, count: number): SequenceRange;
}

export function isSink(value: unknown): value is Sink {
  return typeof value === "object" && value !== null && typeof (value as { write?: unknown }).write === "function";
}
