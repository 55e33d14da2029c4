import { defineConsumer, normalizeMetadata, type Consumer, type JsonValue } from "@dashlog/core";

/** One entry of the `payload` stream. */
export interface PayloadRecord {
  readonly payload: JsonValue;
}

/**
 * Records the event's free-form `payload` (the original's timeline) as JSON, for events
 * that carry one. The value is copied at the event, so later mutation by the caller does
 * not change what was logged, and converted as metadata is (`normalizeMetadata`: Dates to
 * strings, NaN to "NaN", ...). A payload that cannot be JSON (a BigInt, a function, a
 * cycle) makes the consumer throw an error naming the path, which the log reports as an
 * issue; the event adds nothing to this stream.
 *
 * Cost per event: nothing without a payload; otherwise a deep copy of it.
 */
export function payloadMetrics(): Consumer<PayloadRecord> {
  return defineConsumer<PayloadRecord>(
    (event) => {
      if (event.payload === undefined) return undefined;
      // normalizeMetadata wants an object; wrapping yields `{ payload }` and error paths like `event.payload.x`.
      return normalizeMetadata({ payload: event.payload }, "event") as unknown as PayloadRecord;
    },
    { streamName: "payload" },
  );
}
