import type { Event } from "./event.js";

/**
 * Turns an Event into one value of its stream, or `undefined` for "nothing this time"
 * (streams are sparse and joined by `sequenceNumber`, never padded with nulls).
 * A plain function is a complete consumer; the optional members make it stateful.
 */
export interface Consumer<T = unknown> {
  (event: Event): T | undefined;
  /** The stream name used when the consumer is added without one. */
  readonly streamName?: string;
  /** A copy with reset state, so two logs (or two runs) never share counters. */
  fresh?(): Consumer<T>;
  /** Releases what the consumer holds (observers, histograms, timers). */
  close?(): void;
}

export interface ConsumerExtras<T> {
  readonly streamName?: string;
  fresh?(): Consumer<T>;
  close?(): void;
}

/** Attaches a default stream name, `fresh` and `close` to a consumer function. */
export function defineConsumer<T>(fn: (event: Event) => T | undefined, extras: ConsumerExtras<T> = {}): Consumer<T> {
  return Object.assign(fn, extras);
}

/** The consumer's own copy for a new log or run. */
export function freshConsumer<T>(consumer: Consumer<T>): Consumer<T> {
  return consumer.fresh ? consumer.fresh() : consumer;
}
