import type { RecordBatch } from "@dashlog/core";

/**
 * The sink's in-memory queue: the batches exactly as core handed them over, plus how far
 * into the first one has been sent. Holding core's arrays rather than one wrapper per record
 * matters when MongoDB is slower than the caller: everything queued outlives young-generation
 * garbage collections, so each extra object per record is copied and promoted, and the
 * profile showed that work rivalling the inserts themselves.
 */
export class RecordQueue {
  #batches: RecordBatch[] = [];
  /** Index of the first batch with records left. */
  #first = 0;
  /** Records of that batch already taken off the queue. */
  #offset = 0;
  #size = 0;

  /** Records waiting. */
  get size(): number {
    return this.#size;
  }

  /** Adds batches at the end; their record arrays are kept, not copied, so they must not change afterwards (core never reuses them). */
  push(batches: readonly RecordBatch[]): void {
    for (const batch of batches) {
      if (batch.records.length === 0) continue;
      this.#batches.push(batch);
      this.#size += batch.records.length;
    }
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
      this.#first++;
      this.#offset = 0;
    }
    if (this.#size === 0) {
      this.#batches = [];
      this.#first = 0;
    } else if (this.#first > 1024 && this.#first * 2 > this.#batches.length) {
      this.#batches = this.#batches.slice(this.#first);
      this.#first = 0;
    }
  }

  /** Empties the queue and returns everything that was in it, in order. */
  takeAll(): RecordBatch[] {
    const all = this.peek(this.#size);
    this.#batches = [];
    this.#first = 0;
    this.#offset = 0;
    this.#size = 0;
    return all;
  }
}
