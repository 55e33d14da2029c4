import type { RecordBatch } from "@dashlog/core";

/**
 * The sink's in-memory queue: the batches exactly as core handed them over, plus how far
 * into the first one has been sent. Holding core's arrays rather than one wrapper per record
 * matters when MongoDB is slower than the caller: everything queued outlives young-generation
 * garbage collections, so each extra object per record is copied and promoted, and the
 * profile showed that work rivalling the inserts themselves.
 */
/** What a dropped batch's slot holds until the array is compacted. */
const DROPPED: RecordBatch = { experiment: "", stream: "", records: [] };

export class RecordQueue {
  #batches: RecordBatch[] = [];
  /** When each batch was pushed (`Date.now()`), index for index: how long the oldest record has waited. */
  #pushedAt: number[] = [];
  /** Index of the first batch with records left. */
  #first = 0;
  /** Records of that batch already taken off the queue. */
  #offset = 0;
  #size = 0;

  /** Records waiting. */
  get size(): number {
    return this.#size;
  }

  /** When the oldest record still queued was pushed (`Date.now()`), or undefined when empty. */
  get oldestPushedAt(): number | undefined {
    return this.#size === 0 ? undefined : this.#pushedAt[this.#first];
  }

  /**
   * Adds batches at the end; their record arrays are kept, not copied, so they must not change
   * afterwards (core never reuses them). `at` is when they count as queued (default now).
   */
  push(batches: readonly RecordBatch[], at: number = Date.now()): void {
    for (const batch of batches) {
      if (batch.records.length === 0) continue;
      this.#batches.push(batch);
      this.#pushedAt.push(at);
      this.#size += batch.records.length;
    }
  }

  /** Puts batches back at the front, before everything queued (a spill of them that failed). */
  pushFront(batches: readonly RecordBatch[], at: number): void {
    const rest = this.takeAll();
    const restAt = Date.now();
    this.push(batches, at);
    this.push(rest, restAt);
  }

  /** Up to `limit` records, after the first `skip` (those already being sent), as batches, without removing them. */
  peek(limit: number, skip = 0): RecordBatch[] {
    const out: RecordBatch[] = [];
    let left = Math.min(limit, this.#size - skip);
    let index = this.#first;
    let offset = this.#offset + skip;
    while (left > 0) {
      const batch = this.#batches[index] as RecordBatch;
      if (offset >= batch.records.length) {
        offset -= batch.records.length;
        index++;
        continue;
      }
      const take = Math.min(left, batch.records.length - offset);
      out.push(offset === 0 && take === batch.records.length ? batch : { experiment: batch.experiment, stream: batch.stream, records: batch.records.slice(offset, offset + take) });
      left -= take;
      offset = 0;
      index++;
    }
    return out;
  }

  /** Removes `count` records from the front (those a `peek` returned and MongoDB took). */
  drop(count: number): void {
    let left = Math.min(count, this.#size);
    this.#size -= left;
    while (left > 0) {
      const rest = (this.#batches[this.#first] as RecordBatch).records.length - this.#offset;
      if (left < rest) {
        this.#offset += left;
        break;
      }
      left -= rest;
      // The slot lets go of its batch now, not at the next compaction: a stored batch must
      // not keep its records (and their metadata) alive while the queue is long.
      this.#batches[this.#first] = DROPPED;
      this.#first++;
      this.#offset = 0;
    }
    if (this.#size === 0) {
      this.#batches = [];
      this.#pushedAt = [];
      this.#first = 0;
    } else if (this.#first > 1024 && this.#first * 2 > this.#batches.length) {
      this.#batches = this.#batches.slice(this.#first);
      this.#pushedAt = this.#pushedAt.slice(this.#first);
      this.#first = 0;
    }
  }

  /** Empties the queue and returns everything that was in it, in order. */
  takeAll(): RecordBatch[] {
    const all = this.peek(this.#size);
    this.#batches = [];
    this.#pushedAt = [];
    this.#first = 0;
    this.#offset = 0;
    this.#size = 0;
    return all;
  }
}
