import type { StreamEntry } from "./record.js";

/** Compact the backing array once this many entries were removed from the front. */
const COMPACT_AFTER = 1024;

/**
 * An ordered, optionally bounded sequence of entries with cheap removal from the front.
 * When `maxLength` is reached the oldest entry is evicted and counted in `dropped`.
 */
export class Stream<T = unknown> implements Iterable<StreamEntry<T>> {
  readonly name: string;
  readonly maxLength: number;
  #items: StreamEntry<T>[] = [];
  #head = 0;
  #dropped = 0;

  constructor(name: string, maxLength = Number.POSITIVE_INFINITY) {
    this.name = name;
    this.maxLength = maxLength;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Entries evicted because the stream was full (not those removed by drain or pruning). */
  get dropped(): number {
    return this.#dropped;
  }

  push(entry: StreamEntry<T>): void {
    this.#items.push(entry);
    if (this.length > this.maxLength) {
      this.#release(this.#head);
      this.#head++;
      this.#dropped++;
      this.#compact();
    }
  }

  at(index: number): StreamEntry<T> | undefined {
    const i = index < 0 ? this.#items.length + index : this.#head + index;
    return i >= this.#head && i < this.#items.length ? this.#items[i] : undefined;
  }

  get first(): StreamEntry<T> | undefined {
    return this.at(0);
  }

  get last(): StreamEntry<T> | undefined {
    return this.at(-1);
  }

  /** Removes entries from the front while `predicate` holds; returns how many. */
  removeWhile(predicate: (entry: StreamEntry<T>) => boolean): number {
    const start = this.#head;
    while (this.#head < this.#items.length && predicate(this.#items[this.#head] as StreamEntry<T>)) this.#head++;
    const removed = this.#head - start;
    if (removed > 0) {
      for (let i = start; i < this.#head; i++) this.#release(i);
      this.#compact();
    }
    return removed;
  }

  /** Removes entries strictly older than `timestamp` (an entry exactly at it stays). */
  removeOlderThan(timestamp: number): number {
    return this.removeWhile((entry) => entry.timestamp < timestamp);
  }

  /** Hands over every entry and empties the stream. */
  drain(): StreamEntry<T>[] {
    const out = this.toArray();
    this.#items = [];
    this.#head = 0;
    return out;
  }

  toArray(): StreamEntry<T>[] {
    return this.#items.slice(this.#head);
  }

  *[Symbol.iterator](): Iterator<StreamEntry<T>> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as StreamEntry<T>;
  }

  /**
   * Lets go of a removed entry now rather than at the next compaction: otherwise the array
   * keeps up to twice `maxLength` entries reachable, and the garbage collector copies and
   * promotes every one of them (on the logging hot path that was most of the GC work).
   */
  #release(index: number): void {
    (this.#items as (StreamEntry<T> | undefined)[])[index] = undefined;
  }

  #compact(): void {
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
