import { freshAggregator, type Aggregator } from "./aggregator.js";
import { AppendedEntries } from "./appended-entries.js";
import { freshConsumer, type Consumer } from "./consumer.js";
import { InvalidArgumentError } from "./errors.js";
import type { Event } from "./event.js";
import { IssueChannel } from "./issues.js";
import { validateStreamName } from "./prefix.js";
import type { StreamEntry } from "./record.js";
import { Stream } from "./stream.js";

export interface MultiEventLogOptions {
  /** Longest a stream grows before its oldest entries are evicted (counted in `stream.dropped`). Default 100,000. */
  readonly maxStreamLength?: number;
  /** Share an error channel (a run passes its own); by default the log has one. */
  readonly issues?: IssueChannel;
}

/** Sees every entry as it is appended (a run uses this to persist streams). */
export type EntryListener = (stream: string, entry: StreamEntry) => void;

export interface StreamOptions {
  /** Most entries this stream keeps in memory; the oldest are evicted and counted. */
  readonly maxLength?: number | undefined;
}

function checkMaxLength(field: string, max: number): void {
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max > 0))) {
    throw new InvalidArgumentError(field, max, "must be a positive integer or Infinity");
  }
}

interface Slot {
  readonly name: string;
  readonly consumer: Consumer;
  readonly stream: Stream;
}

export const DEFAULT_MAX_STREAM_LENGTH = 100_000;

/**
 * Named consumers, each feeding its own stream, plus aggregators that run after them.
 * `emit(event)` calls every consumer once; a consumer that throws is counted and reported
 * on `issues` and simply adds nothing to its stream for that event, so logging goes on.
 */
export class MultiEventLog {
  readonly issues: IssueChannel;
  readonly maxStreamLength: number;
  #slots: Slot[] = [];
  #aggregators: [string, Aggregator][] = [];
  #streams = new Map<string, Stream>();
  #entryListeners: EntryListener[] = [];

  constructor(options: MultiEventLogOptions = {}) {
    const max = options.maxStreamLength ?? DEFAULT_MAX_STREAM_LENGTH;
    checkMaxLength("maxStreamLength", max);
    this.maxStreamLength = max;
    this.issues = options.issues ?? new IssueChannel();
  }

  /**
   * Adds (or replaces) the consumer of stream `name`, e.g. `log.set("bytes", bytesAllocated())`.
   * `maxLength` caps this stream (default: the log's `maxStreamLength`); evictions are counted in `stream.dropped`.
   */
  set(name: string, consumer: Consumer, options: StreamOptions = {}): this {
    validateStreamName(name);
    const maxLength = options.maxLength ?? this.maxStreamLength;
    checkMaxLength(`maxLength of stream ${JSON.stringify(name)}`, maxLength);
    if (typeof consumer !== "function") {
      throw new InvalidArgumentError(`consumer ${JSON.stringify(name)}`, consumer, "must be a function (event) => value");
    }
    const existing = this.#slots.findIndex((slot) => slot.name === name);
    if (existing >= 0) this.#slots[existing]?.consumer.close?.();
    let stream = this.#streams.get(name);
    if (stream === undefined || (options.maxLength !== undefined && stream.maxLength !== maxLength)) {
      const previous = stream;
      stream = new Stream(name, maxLength);
      for (const entry of previous ?? []) stream.push(entry);
      this.#streams.set(name, stream);
    }
    const slot: Slot = { name, consumer, stream };
    if (existing >= 0) this.#slots[existing] = slot;
    else this.#slots.push(slot);
    return this;
  }

  /** Adds a consumer under its default `streamName`. */
  add(consumer: Consumer): this {
    if (consumer.streamName === undefined) {
      throw new InvalidArgumentError("consumer.streamName", consumer.streamName, "is needed by add(); use set(name, consumer)");
    }
    return this.set(consumer.streamName, consumer);
  }

  get(name: string): Consumer | undefined {
    return this.#slots.find((slot) => slot.name === name)?.consumer;
  }

  has(name: string): boolean {
    return this.#slots.some((slot) => slot.name === name);
  }

  /** Removes a consumer (its stream keeps what it holds until drained). */
  delete(name: string): boolean {
    const index = this.#slots.findIndex((slot) => slot.name === name);
    if (index < 0) return false;
    this.#slots[index]?.consumer.close?.();
    this.#slots.splice(index, 1);
    return true;
  }

  get consumerNames(): string[] {
    return this.#slots.map((slot) => slot.name);
  }

  setAggregator(name: string, aggregator: Aggregator): this {
    if (typeof aggregator !== "function") {
      throw new InvalidArgumentError(`aggregator ${JSON.stringify(name)}`, aggregator, "must be a function (context) => void");
    }
    const existing = this.#aggregators.findIndex(([n]) => n === name);
    if (existing >= 0) {
      this.#aggregators[existing]?.[1].close?.();
      this.#aggregators[existing] = [name, aggregator];
    } else {
      this.#aggregators.push([name, aggregator]);
    }
    return this;
  }

  deleteAggregator(name: string): boolean {
    const index = this.#aggregators.findIndex(([n]) => n === name);
    if (index < 0) return false;
    this.#aggregators[index]?.[1].close?.();
    this.#aggregators.splice(index, 1);
    return true;
  }

  get aggregatorNames(): string[] {
    return this.#aggregators.map(([name]) => name);
  }

  stream(name: string): Stream | undefined {
    return this.#streams.get(name);
  }

  get streams(): ReadonlyMap<string, Stream> {
    return this.#streams;
  }

  /** Calls `listener` with every appended entry; returns an unsubscribe function. */
  onEntry(listener: EntryListener): () => void {
    this.#entryListeners.push(listener);
    return () => {
      this.#entryListeners = this.#entryListeners.filter((l) => l !== listener);
    };
  }

  emit(event: Event): void {
    const context = this.#aggregators.length > 0 ? new AppendedEntries(event, this.#streams) : undefined;
    const listeners = this.#entryListeners;
    for (const slot of this.#slots) {
      let value: unknown;
      try {
        value = slot.consumer(event);
      } catch (error) {
        this.issues.report("consumer", slot.name, error, event.sequenceNumber);
        continue;
      }
      if (value === undefined) continue;
      const entry: StreamEntry = { sequenceNumber: event.sequenceNumber, timestamp: event.timestamp, value };
      slot.stream.push(entry);
      context?.add(slot.name, entry);
      for (const listener of listeners) listener(slot.name, entry);
    }
    if (context === undefined) return;
    for (const [name, aggregator] of this.#aggregators) {
      try {
        aggregator(context);
      } catch (error) {
        this.issues.report("aggregator", name, error, event.sequenceNumber);
      }
    }
  }

  /** Hands over every stream's entries and empties the streams; consumer state is kept. */
  drain(): Record<string, StreamEntry[]> {
    const out: Record<string, StreamEntry[]> = {};
    for (const [name, stream] of this.#streams) out[name] = stream.drain();
    return out;
  }

  /** A new, empty log with fresh copies of every consumer and aggregator. */
  fresh(options: MultiEventLogOptions = {}): MultiEventLog {
    const copy = new MultiEventLog({ maxStreamLength: this.maxStreamLength, ...options });
    for (const slot of this.#slots) {
      copy.set(slot.name, freshConsumer(slot.consumer), { maxLength: slot.stream.maxLength });
    }
    for (const [name, aggregator] of this.#aggregators) copy.setAggregator(name, freshAggregator(aggregator));
    return copy;
  }

  /** Releases what consumers and aggregators hold (observers, timers). */
  close(): void {
    for (const slot of this.#slots) {
      try {
        slot.consumer.close?.();
      } catch (error) {
        this.issues.report("consumer", slot.name, error);
      }
    }
    for (const [name, aggregator] of this.#aggregators) {
      try {
        aggregator.close?.();
      } catch (error) {
        this.issues.report("aggregator", name, error);
      }
    }
  }
}
