import type { IssueChannel } from "./issues.js";
import { LOGS_STREAM } from "./log-records.js";
import { toStoredRecord, type StoredRecord, type StreamEntry } from "./record.js";
import { countRecords, type RecordBatch, type Sink } from "./sink.js";

export interface BatchProcessorOptions {
  readonly sink: Sink;
  readonly experiment: string;
  readonly issues: IssueChannel;
  /** Flush this long after the first queued record. Default 100 ms. */
  readonly flushIntervalMs?: number;
  /** Flush as soon as this many records are queued. Default 1,000. */
  readonly batchSize?: number;
  /** Records held while the sink is slow or failing; beyond it new records are dropped and counted. Default 100,000. */
  readonly maxQueueLength?: number;
  /** Longest wait between retries of a failing sink. Default 5,000 ms. */
  readonly maxRetryDelayMs?: number;
}

/** Batches a caller may queue without yielding before a sync-capable sink is written inline. */
// 2, not more: records queued longer than a young-generation collection interval are
// promoted, and a tight loop's queue was most of what a run kept alive (issue 16).
export const SYNC_WRITE_BATCHES = 2;

export interface ProcessorStats {
  /** Records the sink accepted. */
  readonly written: number;
  /** Records queued or being retried right now. */
  readonly queued: number;
  /** Records refused because the queue was full, or because a consumer's value could not be stored as JSON. */
  readonly dropped: number;
  /** Sink writes that threw or rejected. */
  readonly failedWrites: number;
}

/**
 * Decides when records reach the sink: queues them off the caller's path, writes them in
 * order (one write at a time, the `logs` stream first in each batch so it is never
 * behind the others on disk), retries a failing sink with backoff, bounds what it holds,
 * and hands the rest to `writeSync` when the process exits.
 */
export class BatchProcessor {
  readonly #sink: Sink;
  readonly #experiment: string;
  readonly #issues: IssueChannel;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxQueueLength: number;
  readonly #maxRetryDelayMs: number;

  #pending = new Map<string, StreamEntry[]>();
  #pendingCount = 0;
  /** Batches offered to the sink and not yet acknowledged; offered again first. */
  #inFlight: RecordBatch[] | null = null;
  #inFlightCount = 0;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #active: Promise<void> | null = null;
  #consecutiveFailures = 0;
  readonly #syncWriteAt: number;
  #written = 0;
  #dropped = 0;
  #failedWrites = 0;
  #closed = false;

  constructor(options: BatchProcessorOptions) {
    this.#sink = options.sink;
    this.#experiment = options.experiment;
    this.#issues = options.issues;
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#batchSize = options.batchSize ?? 1000;
    this.#maxQueueLength = options.maxQueueLength ?? 100_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.#syncWriteAt = Math.min(this.#batchSize * SYNC_WRITE_BATCHES, this.#maxQueueLength);
  }

  get stats(): ProcessorStats {
    return {
      written: this.#written,
      queued: this.#pendingCount + this.#inFlightCount,
      dropped: this.#dropped,
      failedWrites: this.#failedWrites,
    };
  }

  /**
   * The hot path: O(1) and no I/O, except in one case. A caller that logs more than
   * SYNC_WRITE_BATCHES batches without ever yielding to the event loop gives the timers no
   * chance to run; then, if the sink can write synchronously, the queued batches are
   * written inline (the caller pays for the disk only while it outruns it), instead of the
   * queue growing until records are dropped. Never throws.
   */
  enqueue(stream: string, entry: StreamEntry): void {
    if (this.#pendingCount >= this.#syncWriteAt && this.#sink.writeSync !== undefined && this.#consecutiveFailures === 0) {
      this.#writePendingSync();
    }
    if (this.#pendingCount + this.#inFlightCount >= this.#maxQueueLength) {
      this.#dropped++;
      if (this.#dropped === 1 || this.#dropped % 10_000 === 0) {
        this.#issues.report(
          "sink",
          "queue",
          new Error(`queue full (${this.#maxQueueLength} records): ${this.#dropped} record(s) dropped so far`),
          entry.sequenceNumber,
        );
      }
      return;
    }
    let list = this.#pending.get(stream);
    if (list === undefined) {
      list = [];
      this.#pending.set(stream, list);
    }
    list.push(entry);
    this.#pendingCount++;
    if (this.#closed) return;
    if (this.#pendingCount >= this.#batchSize) this.#scheduleSoon();
    else if (this.#timer === null && this.#consecutiveFailures === 0) this.#scheduleIn(this.#flushIntervalMs);
  }

  /** Writes everything queued so far; resolves when the sink accepted it or a write failed (reported). */
  flush(): Promise<void> {
    this.#clearSchedule();
    this.#active ??= this.#drain().finally(() => {
      this.#active = null;
    });
    return this.#active;
  }

  /** Stops the timers and flushes; afterwards only `flushSync` and `flush` write. */
  async close(): Promise<ProcessorStats> {
    this.#closed = true;
    await this.flush();
    // One more pass in case records arrived while the last write was in flight.
    if (this.#pendingCount > 0 && this.#consecutiveFailures === 0) await this.flush();
    this.#clearSchedule();
    return this.stats;
  }

  /** Hands everything still queued to the sink synchronously (process exit). Returns how many records could not be handed over. */
  flushSync(): number {
    this.#clearSchedule();
    const batches = [...(this.#inFlight ?? []), ...this.#take()];
    const count = countRecords(batches);
    if (count === 0) return 0;
    if (this.#sink.writeSync === undefined) return count;
    const failure = this.#writeSyncDroppingUnstorable(batches);
    if (failure !== undefined) {
      this.#issues.report("sink", "writeSync", failure.error);
      return countRecords(failure.batches);
    }
    this.#inFlight = null;
    this.#inFlightCount = 0;
    return 0;
  }

  #writePendingSync(): void {
    // An async write in flight must finish first, or records would reach the sink out of order.
    if (this.#inFlight !== null) return;
    const failure = this.#writeSyncDroppingUnstorable(this.#take());
    if (failure === undefined) return;
    this.#failedWrites++;
    this.#consecutiveFailures++;
    this.#inFlight = failure.batches;
    this.#inFlightCount = countRecords(failure.batches);
    this.#issues.report("sink", "writeSync", failure.error, failure.batches[0]?.records[0]?.sequenceNumber);
    if (!this.#closed) this.#scheduleIn(this.#retryDelay());
  }

  /**
   * `writeSync` (callers check the sink has one), offered again at once without the consumer
   * records JSON cannot hold when those made it fail. Counts what the sink took; on the
   * sink's own failure, returns its error and the batches still to write.
   */
  #writeSyncDroppingUnstorable(batches: RecordBatch[]): { readonly error: unknown; readonly batches: RecordBatch[] } | undefined {
    let offered = batches;
    while (offered.length > 0) {
      try {
        this.#sink.writeSync?.(offered);
        this.#written += countRecords(offered);
        return undefined;
      } catch (error) {
        const kept = this.#withoutUnstorable(offered);
        if (kept === undefined) return { error, batches: offered };
        offered = kept;
      }
    }
    return undefined;
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#inFlight === null) {
        const batches = this.#take();
        if (batches.length === 0) return;
        this.#inFlight = batches;
        this.#inFlightCount = countRecords(batches);
      }
      try {
        // A synchronous sink is acknowledged in the same tick, so no exit handler or inline
        // write can ever see an already-written batch as still in flight.
        const pending = this.#sink.write(this.#inFlight);
        if (pending !== undefined) await pending;
      } catch (error) {
        const kept = this.#withoutUnstorable(this.#inFlight);
        if (kept !== undefined) {
          this.#inFlight = kept.length > 0 ? kept : null;
          this.#inFlightCount = countRecords(kept);
          continue;
        }
        this.#failedWrites++;
        this.#consecutiveFailures++;
        this.#issues.report("sink", "write", error, this.#inFlight[0]?.records[0]?.sequenceNumber);
        if (!this.#closed) this.#scheduleIn(this.#retryDelay());
        return;
      }
      this.#written += this.#inFlightCount;
      this.#inFlight = null;
      this.#inFlightCount = 0;
      this.#consecutiveFailures = 0;
    }
  }

  #take(): RecordBatch[] {
    if (this.#pendingCount === 0) return [];
    const batches: RecordBatch[] = [];
    const logs = this.#pending.get(LOGS_STREAM);
    if (logs !== undefined) batches.push(this.#batch(LOGS_STREAM, logs));
    for (const [stream, entries] of this.#pending) {
      if (stream === LOGS_STREAM) continue;
      const batch = this.#batch(stream, entries);
      if (batch.records.length > 0) batches.push(batch);
    }
    this.#pending = new Map();
    this.#pendingCount = 0;
    return batches;
  }

  #batch(stream: string, entries: readonly StreamEntry[]): RecordBatch {
    const records = stream === LOGS_STREAM ? entries.map(toStoredRecord) : this.#storable(stream, entries);
    return { experiment: this.#experiment, stream, records };
  }

  /**
   * A plain object with a `toJSON()` of its own would be written as whatever that returns
   * (even `undefined`), not as a record: such an entry is dropped here, counted and reported
   * as that consumer's failure. A property lookup per record, off the caller's path.
   */
  #storable(stream: string, entries: readonly StreamEntry[]): StoredRecord[] {
    const records: StoredRecord[] = [];
    for (const entry of entries) {
      const record = toStoredRecord(entry);
      if (typeof (record as { toJSON?: unknown }).toJSON === "function") {
        this.#dropEntry(stream, record.sequenceNumber, "it has a toJSON() of its own, which would replace the record");
        continue;
      }
      records.push(record);
    }
    return records;
  }

  /**
   * Called when a write failed. The `logs` records are always JSON (their metadata was
   * normalised), but a consumer may return anything, and a value JSON cannot hold (a BigInt,
   * a circular object) makes every write of its batch fail: the retries would hold back every
   * stream behind it for the rest of the run. So after a failure the other streams' records
   * are checked once; such entries are dropped, counted and reported as that consumer's
   * failure, and the caller writes the rest again at once. Returns undefined when every
   * record is JSON (the failure is the sink's own). Checking here rather than on every batch
   * keeps a `JSON.stringify` per consumer record off every write that succeeds.
   */
  #withoutUnstorable(batches: readonly RecordBatch[]): RecordBatch[] | undefined {
    let dropped = false;
    const kept = batches.map((batch) => {
      if (batch.stream === LOGS_STREAM) return batch;
      const records = batch.records.filter((record) => {
        try {
          JSON.stringify(record);
          return true;
        } catch (error) {
          dropped = true;
          this.#dropEntry(batch.stream, record.sequenceNumber, error instanceof Error ? error.message : String(error));
          return false;
        }
      });
      return records.length === batch.records.length ? batch : { ...batch, records };
    });
    return dropped ? kept.filter((batch) => batch.records.length > 0) : undefined;
  }

  #dropEntry(stream: string, sequenceNumber: number, reason: string): void {
    this.#dropped++;
    this.#issues.report("consumer", stream, new Error(`its value cannot be stored as JSON (${reason}); the entry was dropped`), sequenceNumber);
  }

  #retryDelay(): number {
    const base = Math.min(this.#maxRetryDelayMs, this.#flushIntervalMs * 2 ** Math.min(this.#consecutiveFailures, 16));
    return base / 2 + Math.random() * (base / 2);
  }

  #scheduleIn(ms: number): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, ms);
    this.#timer.unref();
  }

  #scheduleSoon(): void {
    if (this.#immediate !== null || this.#active !== null || this.#consecutiveFailures > 0) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      void this.flush();
    });
    this.#immediate.unref();
  }

  #clearSchedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = null;
    this.#immediate = null;
  }
}
