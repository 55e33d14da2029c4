import type { Event } from "./event.js";
import type { StreamEntry } from "./record.js";
import type { Stream } from "./stream.js";

export interface AggregatorContext {
  readonly event: Event;
  /**
   * The entries this event appended, by stream name (streams whose consumer returned nothing
   * are absent). Built on first read, so an aggregator that does not need it costs nothing;
   * read it as a property (`context.appended`) rather than destructuring it unconditionally.
   */
  readonly appended: ReadonlyMap<string, StreamEntry>;
  /** Every stream of the log; aggregators may prune them. */
  readonly streams: ReadonlyMap<string, Stream>;
}

/** Runs after every consumer, once per event, with all streams (e.g. a time window). */
export interface Aggregator {
  (context: AggregatorContext): void;
  fresh?(): Aggregator;
  close?(): void;
}

export function freshAggregator(aggregator: Aggregator): Aggregator {
  return aggregator.fresh ? aggregator.fresh() : aggregator;
}
