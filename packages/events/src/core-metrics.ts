import { defineConsumer, type Consumer, type EventKind, type SpanId } from "@dashlog/core";
import { isoTimestamps } from "./iso-timestamps.js";
import { checkBoolean, checkOptions } from "./option-checks.js";

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

export interface CoreMetricsOptions {
  /**
   * Also store plain log events (category `log`, kind `point`, no id: every `exp.log`), so the
   * stream has an entry for every event, index-aligned with `logs`. Default false: such an
   * entry says nothing the `logs` record of the same `sequenceNumber` does not (its
   * timestamp is the same), and storing it cost a record per log call.
   */
  readonly dense?: boolean | undefined;
}

/** The category `exp.log` gives its events. */
export const LOG_CATEGORY = "log";

/**
 * True for an event `coreMetrics()` leaves out by default: a plain log event, whose `core`
 * entry would be `{ timestamp, category: "log", kind: "point" }` with the timestamp of its
 * `logs` record.
 */
export function isPlainLogEvent(event: { readonly category: string; readonly kind: EventKind; readonly id?: SpanId | undefined }): boolean {
  return event.category === LOG_CATEGORY && event.kind === "point" && event.id === undefined;
}

/**
 * Records what happened when: `{ timestamp, category, kind, id?, sequenceNumber }` (the
 * original's CoreMetrics) for every event except plain log events, which the `logs` stream
 * already describes: an event without a `core` entry is a `log` point at its `logs`
 * record's timestamp. `{ dense: true }` stores an entry for every event. Joined with other
 * streams by `sequenceNumber`, and the input of `spansFromEvents` for a trace export.
 *
 * Cost per event: a comparison for plain log events; one small object for the others (the
 * ISO string is reused while the millisecond is the same).
 */
export function coreMetrics(options?: CoreMetricsOptions): Consumer<CoreRecord> {
  const opts = checkOptions("coreMetrics", options);
  const dense = checkBoolean("coreMetrics option dense", opts.dense, false);
  return makeCoreMetrics(dense);
}

function makeCoreMetrics(dense: boolean): Consumer<CoreRecord> {
  const iso = isoTimestamps();
  return defineConsumer<CoreRecord>(
    (event) => {
      if (!dense && isPlainLogEvent(event)) return undefined;
      const timestamp = iso(event.timestamp);
      // sequenceNumber is in the value (last, where a stored record has it): core's toStoredRecord
      // then stores the value itself instead of copying it to add the number, on every event.
      return event.id === undefined
        ? { timestamp, category: event.category, kind: event.kind, sequenceNumber: event.sequenceNumber }
        : { timestamp, category: event.category, kind: event.kind, id: event.id, sequenceNumber: event.sequenceNumber };
    },
    { streamName: "core", fresh: () => makeCoreMetrics(dense) },
  );
}
