import { defineConsumer, type Consumer, type EventKind, type SpanId } from "@dashlog/core";
import { isoTimestamps } from "./iso-timestamps.js";

/** One entry of the `core` stream. */
export interface CoreRecord {
  /** The event's wall-clock time, ISO-8601 UTC with milliseconds. */
  readonly timestamp: string;
  readonly category: string;
  readonly kind: EventKind;
  /** Present on span events only. */
  readonly id?: SpanId;
  /** The event's number; carried in the value so the sink stores it as it is, without a copy. */
  readonly sequenceNumber: number;
}

/**
 * Records what happened when: `{ timestamp, category, kind, id?, sequenceNumber }` for every event
 * (the original's CoreMetrics). Joined with other streams by `sequenceNumber`, and the
 * input of `spansFromEvents` for a trace export.
 *
 * Cost per event: one small object; the ISO string is reused while the millisecond is the same.
 */
export function coreMetrics(): Consumer<CoreRecord> {
  const iso = isoTimestamps();
  return defineConsumer<CoreRecord>(
    (event) => {
      const timestamp = iso(event.timestamp);
      // sequenceNumber is in the value (last, where a stored record has it): core's toStoredRecord
      // then stores the value itself instead of copying it to add the number, on every event.
      return event.id === undefined
        ? { timestamp, category: event.category, kind: event.kind, sequenceNumber: event.sequenceNumber }
        : { timestamp, category: event.category, kind: event.kind, id: event.id, sequenceNumber: event.sequenceNumber };
    },
    { streamName: "core", fresh: coreMetrics },
  );
}
