import { PartialWriteError } from "./errors.js";
import type { IssueChannel } from "./issues.js";
import { LOGS_STREAM } from "./log-records.js";
import { toStoredRecord, type StoredRecord, type StreamEntry } from "./record.js";
import { countRecords, type RecordBatch, type Sink } from "./sink.js";

export interface BatchProcessorOptions {
  readonly sink: Sink;
  readonly experiment: string;
  /** A joined run's worker: set on every batch, so sinks store it with each record. */
  readonly worker?: string | undefined;
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

/** How long `close()` keeps retrying a failing sink by default. */
export const DEFAULT_END_TIMEOUT_MS = 10_000;

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
 * order (one write at a time, at most `batchSize` records each, the `logs` stream first in
 * each write so it is never behind the others on disk), retries a failing sink with backoff,
 * bounds what it holds, and hands the rest to `writeSync` when the process exits.
 */
export class BatchProcessor {
  readonly #sink: Sink;
  readonly #experiment: string;
  readonly #worker: string | undefined;
  readonly #issues: IssueChannel;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxQueueLength: number;
  readonly #maxRetryDelayMs: number;

  #pending = new Map<string, StreamEntry[]>();
  /** Per stream, how many entries at the front of its pending list were already taken. */
  #taken = new Map<string, number>();
  #pendingCount = 0;
  /** The timestamp of the oldest pending entry (the run's clock, ms). */
  #oldestAt = 0;
  /** Batches offered to the sink and not yet acknowledged; offered again first. */
  #inFlight: RecordBatch[] | null = null;
  #inFlightCount = 0;
  #timer: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #active: Promise<void> | null = null;
  #consecutiveFailures = 0;
  readonly #syncWriteAt: number;
  /** The sink has a `writeSync` core may call while the process runs (not only at exit). */
  readonly #inlineSync: boolean;
  #written = 0;
  #dropped = 0;
  #failedWrites = 0;
  #closed = false;

  constructor(options: BatchProcessorOptions) {
    this.#sink = options.sink;
    this.#experiment = options.experiment;
    this.#worker = options.worker;
    this.#issues = options.issues;
    this.#flushIntervalMs = options.flushIntervalMs ?? 100;
    this.#batchSize = options.batchSize ?? 1000;
    this.#maxQueueLength = options.maxQueueLength ?? 100_000;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.#syncWriteAt = Math.min(this.#batchSize * SYNC_WRITE_BATCHES, this.#maxQueueLength);
    this.#inlineSync = this.#sink.writeSync !== undefined && this.#sink.writeSyncAtExitOnly !== true;
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
   * The hot path: O(1) and no I/O, except in two cases, both only with a sink whose `writeSync`
   * may be called inline (see `Sink.writeSyncAtExitOnly`). A caller that logs without ever
   * yielding to the event loop gives the timers no chance to run; then the queue is written
   * inline when it holds SYNC_WRITE_BATCHES batches (so memory stays bounded instead of records
   * being dropped), or when its oldest record is `flushIntervalMs` old by the entries' own
   * timestamps (so the flush interval bounds what a crash can lose, in time, yielding or not;
   * no clock is read here). Never throws.
   */
  enqueue(stream: string, entry: StreamEntry): void {
    if (
      this.#pendingCount > 0 &&
      this.#inlineSync &&
      this.#consecutiveFailures === 0 &&
      (this.#pendingCount >= this.#syncWriteAt || entry.timestamp - this.#oldestAt >= this.#flushIntervalMs)
    ) {
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
    if (this.#pendingCount === 0) this.#oldestAt = entry.timestamp;
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

  /**
   * Stops the timers and writes what is queued, retrying a failing sink with backoff for up to
   * `timeoutMs`; what is still unwritten then is offered to `writeSync` once, if the sink has
   * one. Afterwards only `flushSync` and `flush` write. `stats.queued` is what never made it.
   */
  async close(timeoutMs: number = DEFAULT_END_TIMEOUT_MS): Promise<ProcessorStats> {
    this.#closed = true;
    const deadline = Date.now() + timeoutMs;
    await this.flush();
    for (;;) {
      if (this.#pendingCount + this.#inFlightCount === 0) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      // After a failure, wait as the timers would have; records that arrived during the last write need no wait.
      if (this.#consecutiveFailures > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(left, this.#retryDelay())));
      await this.flush();
    }
    this.#clearSchedule();
    if (this.#pendingCount + this.#inFlightCount > 0 && this.#sink.writeSync !== undefined) this.flushSync();
    return this.stats;
  }

  /** Hands everything still queued to the sink synchronously (process exit), `batchSize` records a call. Returns how many records could not be handed over. */
  flushSync(): number {
    this.#clearSchedule();
    if (this.#pendingCount + this.#inFlightCount === 0) return 0;
    if (this.#sink.writeSync === undefined) return this.#pendingCount + this.#inFlightCount;
    for (;;) {
      if (this.#inFlight === null) {
        const batches = this.#take();
        // Empty when every record taken was unstorable (dropped and counted): take the next ones.
        if (batches.length === 0) {
          if (this.#pendingCount === 0) return 0;
          continue;
        }
        this.#inFlight = batches;
        this.#inFlightCount = countRecords(batches);
      }
      const failure = this.#writeSyncDroppingUnstorable(this.#inFlight);
      if (failure !== undefined) {
        this.#inFlight = failure.batches;
        this.#inFlightCount = countRecords(failure.batches);
        this.#issues.report("sink", "writeSync", reportable(failure.error));
        return this.#pendingCount + this.#inFlightCount;
      }
      this.#inFlight = null;
      this.#inFlightCount = 0;
    }
  }

  /** Writes the whole queue inline, `batchSize` records a call, stopping at the first failure (then retried later). */
  #writePendingSync(): void {
    // An async write in flight must finish first, or records would reach the sink out of order.
    if (this.#inFlight !== null) return;
    while (this.#pendingCount > 0) {
      const failure = this.#writeSyncDroppingUnstorable(this.#take());
      if (failure === undefined) continue;
      this.#failedWrites++;
      this.#consecutiveFailures++;
      this.#inFlight = failure.batches;
      this.#inFlightCount = countRecords(failure.batches);
      this.#issues.report("sink", "writeSync", reportable(failure.error), failure.batches[0]?.records[0]?.sequenceNumber);
      if (!this.#closed) this.#scheduleIn(this.#retryDelay());
      return;
    }
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
        if (error instanceof PartialWriteError) return { error, batches: this.#withoutStored(offered, error) };
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
        if (batches.length === 0) {
          if (this.#pendingCount === 0) return;
          continue;
        }
        this.#inFlight = batches;
        this.#inFlightCount = countRecords(batches);
      }
      try {
        // A synchronous sink is acknowledged in the same tick, so no exit handler or inline
        // write can ever see an already-written batch as still in flight.
        const pending = this.#sink.write(this.#inFlight);
        if (pending !== undefined) await pending;
      } catch (error) {
        if (error instanceof PartialWriteError) {
          this.#inFlight = this.#withoutStored(this.#inFlight, error);
          this.#inFlightCount = countRecords(this.#inFlight);
          if (this.#inFlightCount === 0) this.#inFlight = null;
        }
        const kept = this.#inFlight === null ? undefined : this.#withoutUnstorable(this.#inFlight);
        if (kept !== undefined) {
          this.#inFlight = kept.length > 0 ? kept : null;
          this.#inFlightCount = countRecords(kept);
          continue;
        }
        this.#failedWrites++;
        this.#consecutiveFailures++;
        // For a partial write, the system's reason (ENOSPC and the file) is what the user needs to see.
        this.#issues.report("sink", "write", reportable(error), this.#inFlight?.[0]?.records[0]?.sequenceNumber);
        if (!this.#closed) this.#scheduleIn(this.#retryDelay());
        return;
      }
      this.#written += this.#inFlightCount;
      this.#inFlight = null;
      this.#inFlightCount = 0;
      this.#consecutiveFailures = 0;
    }
  }

  /**
   * Takes up to `batchSize` queued records for one write: the `logs` stream first, then the
   * others in the order they first appeared. Entries taken are counted per stream and the
   * arrays are dropped once used up, so a long queue is never copied per write.
   */
  #take(): RecordBatch[] {
    if (this.#pendingCount === 0) return [];
    const batches: RecordBatch[] = [];
    let room = this.#batchSize;
    const takeFrom = (stream: string, entries: StreamEntry[]) => {
      const from = this.#taken.get(stream) ?? 0;
      const n = Math.min(room, entries.length - from);
      if (n <= 0) return;
      const slice = from === 0 && n === entries.length ? entries : entries.slice(from, from + n);
      room -= n;
      this.#pendingCount -= n;
      if (from + n === entries.length) {
        // A fresh array under the same key, not a delete. With more than four streams,
        // deleting and re-adding the keys on every write made young collections promote the
        // queued records (the heap grew ~2.6 MiB per scavenge between full collections; peak
        // RSS 140 instead of 96 MiB and a third of the CPU of a run with every consumer on,
        // BENCHMARKS.md issue 16 1b), most likely through the Map's reallocated tables.
        this.#pending.set(stream, []);
        this.#taken.delete(stream);
      } else if (from + n >= 4096 && (from + n) * 2 >= entries.length) {
        // A stream that never drains fully (a steady flow) must not keep its written entries alive.
        entries.splice(0, from + n);
        this.#taken.delete(stream);
      } else {
        this.#taken.set(stream, from + n);
      }
      const batch = this.#batch(stream, slice);
      if (batch.records.length > 0) batches.push(batch);
    };
    const logs = this.#pending.get(LOGS_STREAM);
    if (logs !== undefined) takeFrom(LOGS_STREAM, logs);
    for (const [stream, entries] of this.#pending) {
      if (room <= 0) break;
      if (stream !== LOGS_STREAM) takeFrom(stream, entries);
    }
    if (this.#pendingCount > 0) this.#oldestAt = this.#oldestPending();
    return batches;
  }

  /** The smallest timestamp still queued (after a partial take). */
  #oldestPending(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const [stream, entries] of this.#pending) {
      const first = entries[this.#taken.get(stream) ?? 0];
      if (first !== undefined && first.timestamp < oldest) oldest = first.timestamp;
    }
    return oldest;
  }

  /** The batches without the records a PartialWriteError says are stored (counted as written). */
  #withoutStored(batches: readonly RecordBatch[], error: PartialWriteError): RecordBatch[] {
    const rest: RecordBatch[] = [];
    batches.forEach((batch, i) => {
      const stored = Math.max(0, Math.min(batch.records.length, Math.floor(error.stored[i] ?? 0)));
      this.#written += stored;
      if (stored < batch.records.length) rest.push(stored === 0 ? batch : { ...batch, records: batch.records.slice(stored) });
    });
    return rest;
  }

  #batch(stream: string, entries: readonly StreamEntry[]): RecordBatch {
    const records = stream === LOGS_STREAM ? entries.map(toStoredRecord) : this.#storable(stream, entries);
    return this.#worker === undefined ? { experiment: this.#experiment, stream, records } : { experiment: this.#experiment, stream, records, worker: this.#worker };
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

function reportable(error: unknown): unknown {
  return error instanceof PartialWriteError && error.cause !== undefined ? error.cause : error;
}
