import { defineConsumer, type Consumer, type SpanId } from "@dashlog/core";

/** One entry of the `ids` stream. */
export interface IdRecord {
  readonly id: SpanId;
}

/**
 * Records the span id of every event that has one (the original's IDMetrics); log events
 * add nothing, so the stream stays sparse.
 *
 * Cost per event: one comparison; one small object on span events.
 */
export function idMetrics(): Consumer<IdRecord> {
  return defineConsumer<IdRecord>((event) => (event.id === undefined ? undefined : { id: event.id }), {
    streamName: "ids",
  });
}
