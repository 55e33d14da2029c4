import { InvalidArgumentError, type SpanId } from "@dashlog/core";

/**
 * A span as `toChromeTrace` reads it. A record of the `spans` stream (`spanDurations()`),
 * an `UnfinishedSpan`, or a span paired by `spansFromEvents` all fit, read back from any
 * sink: `sequenceNumber` is the stored record's own (the finish event's).
 */
export interface TraceSpan {
  readonly category: string;
  readonly id: SpanId;
  /** Wall-clock start: an ISO-8601 string or epoch milliseconds. */
  readonly start?: string | number | undefined;
  /** `performance.now()` ms at the start; used (exact) when every span has it. */
  readonly startMonotonic?: number | undefined;
  /** Absent for a span that never finished. */
  readonly durationMs?: number | undefined;
  readonly startSequenceNumber?: number | undefined;
  readonly sequenceNumber?: number | undefined;
}

/** A checked span: the wall-clock start parsed to epoch ms. */
export interface ParsedSpan {
  readonly category: string;
  readonly id: SpanId;
  readonly startMs: number | undefined;
  readonly startMonotonic: number | undefined;
  readonly durationMs: number | undefined;
  readonly startSequenceNumber: number | undefined;
  readonly finishSequenceNumber: number | undefined;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** Epoch ms from an ISO string or a number; undefined when absent; throws when unreadable. */
export function parseTime(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === "string" ? Date.parse(value) : value;
  if (!isFiniteNumber(ms)) throw new InvalidArgumentError(field, value, "must be an ISO-8601 timestamp or epoch milliseconds");
  return ms;
}

function optionalNumber(field: string, value: unknown, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isFiniteNumber(value) || value < min) throw new InvalidArgumentError(field, value, `must be a finite number >= ${min}`);
  return value;
}

/** Checks one input record (typically parsed JSON from a file); errors name `field` and the bad value. */
export function parseSpan(field: string, record: unknown): ParsedSpan {
  if (typeof record !== "object" || record === null) throw new InvalidArgumentError(field, record, "must be a span record object");
  const r = record as Record<string, unknown>;
  if (typeof r["category"] !== "string" || r["category"].length === 0) {
    throw new InvalidArgumentError(`${field}.category`, r["category"], "must be a non-empty string");
  }
  const id = r["id"];
  if (typeof id !== "string" && !isFiniteNumber(id)) throw new InvalidArgumentError(`${field}.id`, id, "must be a string or a number");
  const span: ParsedSpan = {
    category: r["category"],
    id,
    startMs: parseTime(`${field}.start`, r["start"]),
    startMonotonic: optionalNumber(`${field}.startMonotonic`, r["startMonotonic"], Number.NEGATIVE_INFINITY),
    durationMs: optionalNumber(`${field}.durationMs`, r["durationMs"], 0),
    startSequenceNumber: optionalNumber(`${field}.startSequenceNumber`, r["startSequenceNumber"], 0),
    finishSequenceNumber: optionalNumber(`${field}.sequenceNumber`, r["sequenceNumber"], 0),
  };
  if (span.startMs === undefined && span.startMonotonic === undefined) {
    throw new InvalidArgumentError(`${field}.start`, r["start"], "is needed (or startMonotonic): the span has no start time");
  }
  return span;
}
