import {
  defineConsumer,
  normalizeMetadata,
  type Consumer,
  type EventKind,
  type JsonObject,
  type JsonValue,
  type Level,
  type SpanId,
} from "@dashlog/core";
import { isPlainLogEvent } from "./core-metrics.js";
import { isoTimestamps } from "./iso-timestamps.js";
import { checkBoolean, checkOptions } from "./option-checks.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One entry of the `full` stream. By default it holds what the run's `logs` record of the
 * same `sequenceNumber` does not (so the two join into the whole event); with
 * `standalone: true` every field is in the entry itself.
 */
export interface FullRecord {
  /** Present on span start and finish events (so `spansFromEvents` pairs them alone), and on every entry when standalone. */
  readonly timestamp?: string;
  /** `performance.now()` ms at the event, to the microsecond; makes span durations exact (see `spansFromEvents`). */
  readonly monotonic: number;
  readonly category: string;
  readonly kind: EventKind;
  readonly id?: SpanId;
  /** Standalone only; otherwise in the `logs` record. */
  readonly level?: Level;
  /** Standalone only; otherwise in the `logs` record. */
  readonly message?: string;
  /** Standalone only; otherwise in the `logs` record. */
  readonly metadata?: JsonObject | null;
  /** The payload as JSON (see `payloadMetrics`), when the event had one that JSON can hold. */
  readonly payload?: JsonValue;
  /** Why the payload was left out, when it could not be stored as JSON. */
  readonly payloadError?: string;
  /** The event's number; carried in the value so the sink stores it as it is, without a copy. */
  readonly sequenceNumber: number;
}

export interface FullMetricsOptions {
  /**
   * Also store the fields the run's `logs` stream already holds for every event (timestamp,
   * level, message, metadata), so the `full` stream reads on its own without a join.
   * Default false: those fields would double the bytes on disk of a run.
   */
  readonly standalone?: boolean | undefined;
  /**
   * Also store plain log events without a payload (every `exp.log`), so the stream has an entry
   * for every event. Default false: the only field such an entry adds to its `logs` record is
   * `monotonic`, and storing it cost a record per log call. `standalone` implies it.
   */
  readonly dense?: boolean | undefined;
}

/**
 * Records every field of the events (the original's FullMetrics), as JSON: a payload
 * that JSON cannot hold is left out and the reason kept in `payloadError`, so the rest of
 * the event is still recorded.
 *
 * Every event also has a `logs` record with the same `sequenceNumber` holding its
 * timestamp, level, message and metadata, so by default those are not stored again here:
 * join the two streams on `sequenceNumber` for the whole event. Plain log events without a
 * payload (`exp.log`) get no entry by default: theirs would add only `monotonic`
 * (`{ dense: true }` keeps them). Span starts and finishes keep their `timestamp`, so a trace
 * can be built from this stream alone. `{ standalone: true }` stores every field of every event.
 *
 * Cost per event: a comparison for plain log events; for the others one object of four to ten
 * fields, plus a deep copy of the payload when there is one.
 */
export function fullMetrics(options?: FullMetricsOptions): Consumer<FullRecord> {
  const opts = checkOptions("fullMetrics", options);
  const standalone = checkBoolean("fullMetrics option standalone", opts.standalone, false);
  const dense = checkBoolean("fullMetrics option dense", opts.dense, false) || standalone;
  return makeFullMetrics(standalone, dense);
}

/**
 * `monotonic` to the microsecond, as the trace export uses it: the full double's 12 to 17
 * digits cost a sixth more to encode than the rest of the record and say nothing more.
 */
function toMicroseconds(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function makeFullMetrics(standalone: boolean, dense: boolean): Consumer<FullRecord> {
  const iso = isoTimestamps();
  return defineConsumer<FullRecord>(
    (event) => {
      if (!dense && event.payload === undefined && isPlainLogEvent(event)) return undefined;
      // Built in place (no spreads): this runs on every event.
      let record: Mutable<Omit<FullRecord, "sequenceNumber">> & { sequenceNumber?: number };
      if (standalone) {
        record = {
          timestamp: iso(event.timestamp),
          monotonic: toMicroseconds(event.monotonic),
          category: event.category,
          kind: event.kind,
          level: event.level,
          message: event.message,
          metadata: event.metadata,
        };
      } else if (event.kind === "point") {
        record = { monotonic: toMicroseconds(event.monotonic), category: event.category, kind: event.kind };
      } else {
        record = { timestamp: iso(event.timestamp), monotonic: toMicroseconds(event.monotonic), category: event.category, kind: event.kind };
      }
      if (event.id !== undefined) record.id = event.id;
      if (event.payload !== undefined) {
        try {
          record.payload = (normalizeMetadata({ payload: event.payload }, "event") as { payload: JsonValue }).payload;
        } catch (error) {
          record.payloadError = error instanceof Error ? error.message : String(error);
        }
      }
      // Last, where a stored record has it; with it the sink stores the value without a copy.
      record.sequenceNumber = event.sequenceNumber;
      return record as FullRecord;
    },
    { streamName: "full", fresh: () => makeFullMetrics(standalone, dense) },
  );
}
