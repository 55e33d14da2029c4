import { countRecords, type RecordBatch } from "@dashlog/core";
import type { InsertPipeline } from "./insert-pipeline.js";
import { toMongoSinkError } from "./mongo-sink-error.js";
import { RecordQueue } from "./record-queue.js";

/** A batch taken from the front of the queue and handed to `insertMany`, not yet dropped from the queue. */
interface Sending {
  readonly count: number;
  state: "sending" | "done" | "failed";
}

/**
 * The sink's in-memory queue and the inserts sent from it. Records leave the queue only
 * when every batch before theirs is stored too, so what is still queued is always exactly
 * the records after the last gap-free stored one: a spill (`takeAll`) or a failure never
 * loses a record that was still on its way.
 */
export class QueueSender {
  readonly #queue = new RecordQueue();
  readonly #pipeline: InsertPipeline;
  readonly #onSettled: () => void;
  readonly #report: (name: string, error: unknown) => void;
  readonly #secrets: readonly string[];
  /** Batches sent from the queue, oldest first. */
  #sending: Sending[] = [];
  #sendingRecords = 0;
  readonly #inserts = new Set<Promise<void>>();
  /** Inserts from the queue waiting for MongoDB right now (those of a spilled queue too). */
  #running = 0;
  /** Consecutive batches that failed with an unexpected error: backs off the next attempt. */
  #failures = 0;
  /** Bumped when the queue is taken for the spool: work started on the old queue is then dropped. */
  #generation = 0;

  constructor(pipeline: InsertPipeline, secrets: readonly string[], report: (name: string, error: unknown) => void, onSettled: () => void) {
    this.#pipeline = pipeline;
    this.#secrets = secrets;
    this.#report = report;
    this.#onSettled = onSettled;
  }

  /** Records in memory, sent or not. */
  get size(): number {
    return this.#queue.size;
  }

  /** Records queued and not yet handed to an insert. */
  get unsent(): number {
    return this.#queue.size - this.#sendingRecords;
  }

  /** Inserts waiting for MongoDB. */
  get running(): number {
    return this.#running;
  }

  /** Batches sent and not yet settled (stored or failed) in order. */
  get inFlight(): boolean {
    return this.#sending.length > 0;
  }

  /** Consecutive failed batches. */
  get failures(): number {
    return this.#failures;
  }

  /** When the oldest record in memory was queued, or undefined when none is. */
  get oldestQueuedAt(): number | undefined {
    return this.#queue.oldestPushedAt;
  }

  push(batches: readonly RecordBatch[]): void {
    this.#queue.push(batches);
  }

  /** Puts batches `takeAll` returned back at the front (their spill failed); they count as queued since `at`. */
  putBack(batches: readonly RecordBatch[], at: number): void {
    // Positions in the queue change: inserts on their way are ignored when they end (what
    // they store comes back as duplicates), and everything is sent again from the front.
    this.#generation++;
    this.#sending = [];
    this.#sendingRecords = 0;
    this.#queue.pushFront(batches, at);
  }

  /** Starts the insert of the next `limit` unsent records without waiting for it. */
  send(limit: number): void {
    const chunk = this.#queue.peek(limit, this.#sendingRecords);
    if (chunk.length === 0) return;
    const generation = this.#generation;
    const slot: Sending = { count: countRecords(chunk), state: "sending" };
    this.#sending.push(slot);
    this.#sendingRecords += slot.count;
    this.#running++;
    const insert = this.#pipeline.insert(chunk, () => generation !== this.#generation).then(
      (outcome) => this.#settle(slot, generation, outcome === "done"),
      (error: unknown) => {
        this.#report("insert", toMongoSinkError("insert", `insert of ${slot.count} record(s) failed, retrying`, error, this.#secrets));
        this.#settle(slot, generation, false);
      },
    );
    this.#inserts.add(insert);
    void insert.finally(() => this.#inserts.delete(insert));
  }

  #settle(slot: Sending, generation: number, stored: boolean): void {
    this.#running--;
    // After a spill the queue and this list were replaced: the records are in the spool.
    if (generation === this.#generation) {
      slot.state = stored ? "done" : "failed";
      this.#failures = stored ? 0 : this.#failures + 1;
      while (this.#sending[0]?.state === "done") {
        const done = this.#sending.shift() as Sending;
        this.#queue.drop(done.count);
        this.#sendingRecords -= done.count;
      }
      // Once nothing is on its way, a failed batch (and any stored after it) is sent again
      // from the front of the queue; MongoDB counts the repeats as duplicates.
      if (this.#sending.length > 0 && this.#sending.every((s) => s.state !== "sending")) {
        this.#sending = [];
        this.#sendingRecords = 0;
      }
    }
    this.#onSettled();
  }

  /**
   * Empties the queue (for the spool) and returns everything in it, in order; inserts still
   * on their way are ignored when they end (what they store is a duplicate on replay).
   */
  takeAll(): RecordBatch[] {
    this.#generation++;
    this.#sending = [];
    this.#sendingRecords = 0;
    return this.#queue.takeAll();
  }

  /** Resolves when every insert on its way has ended. */
  async settled(): Promise<void> {
    await Promise.all(this.#inserts);
  }
}
