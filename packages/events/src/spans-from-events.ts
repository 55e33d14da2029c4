import { InvalidArgumentError, type SpanId, type StoredRecord } from "@dashlog/core";
import { checkOptions } from "./option-checks.js";
import { spanKey } from "./span-key.js";
import { parseTime, type TraceSpan } from "./trace-span.js";

/** A start or finish event as the `core` (or `full`) stream stores it. */
export interface SpanEventRecord {
  readonly sequenceNumber: number;
  /** ISO-8601 string or epoch ms. */
  readonly timestamp: string | number;
  readonly category: string;
  readonly kind: string;
  readonly id?: SpanId | undefined;
  /** Present in the `full` stream: makes durations exact. */
  readonly monotonic?: number | undefined;
}

export interface PairedSpans {
  /** Finished spans (with `durationMs`) then unfinished ones (without), for `toChromeTrace`. */
  readonly spans: TraceSpan[];
  /** Sequence numbers of finish events that had no start. */
  readonly unmatchedFinishes: number[];
}

export interface SpansFromEventsOptions {
  /** Called with each record that cannot be read (and it is skipped); without it, it throws. */
  readonly onInvalid?: ((index: number, error: InvalidArgumentError) => void) | undefined;
}

interface Start {
  readonly category: string;
  readonly id: SpanId;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly monotonic: number | undefined;
}

function unfinishedSpan(start: Start): TraceSpan {
  return {
    category: start.category,
    id: start.id,
    start: start.timestamp,
    startMonotonic: start.monotonic,
    startSequenceNumber: start.sequenceNumber,
  };
}

/**
 * Pairs start and finish records (e.g. the `core` stream read back from files) into
 * spans for `toChromeTrace`. Durations use `monotonic` when both events have it (the
 * `full` stream), else the wall-clock timestamps (ms precision). Point events and records
 * without an id are ignored. A start never finished is returned without `durationMs`; a
 * start seen again before its finish leaves the first one unfinished; a finish without a
 * start is listed in `unmatchedFinishes`.
 */
export function spansFromEvents(records: Iterable<SpanEventRecord | StoredRecord>, options?: SpansFromEventsOptions): PairedSpans {
  const opts = checkOptions("spansFromEvents", options);
  const open = new Map<string, Start>();
  const spans: TraceSpan[] = [];
  const restarted: TraceSpan[] = [];
  const unmatchedFinishes: number[] = [];
  let index = 0;
  for (const record of records) {
    const field = `records[${index}]`;
    try {
      const r = record as Record<string, unknown>;
      const kind = r["kind"];
      const id = r["id"];
      if ((kind === "start" || kind === "finish") && id !== undefined && id !== null) {
        if (typeof id !== "string" && typeof id !== "number") throw new InvalidArgumentError(`${field}.id`, id, "must be a string or a number");
        const category = r["category"];
        if (typeof category !== "string") throw new InvalidArgumentError(`${field}.category`, category, "must be a string");
        const sequenceNumber = r["sequenceNumber"];
        if (typeof sequenceNumber !== "number") throw new InvalidArgumentError(`${field}.sequenceNumber`, sequenceNumber, "must be a number");
        const timestamp = parseTime(`${field}.timestamp`, r["timestamp"]);
        if (timestamp === undefined) throw new InvalidArgumentError(`${field}.timestamp`, r["timestamp"], "is required");
        const monotonic = typeof r["monotonic"] === "number" && Number.isFinite(r["monotonic"]) ? r["monotonic"] : undefined;
        const key = spanKey(category, id);
        if (kind === "start") {
          const previous = open.get(key);
          if (previous !== undefined) restarted.push(unfinishedSpan(previous));
          open.set(key, { category, id, sequenceNumber, timestamp, monotonic });
        } else {
          const start = open.get(key);
          if (start === undefined) {
            unmatchedFinishes.push(sequenceNumber);
          } else {
            open.delete(key);
            const exact = start.monotonic !== undefined && monotonic !== undefined;
            spans.push({
              category,
              id,
              start: start.timestamp,
              startMonotonic: exact ? start.monotonic : undefined,
              durationMs: Math.max(0, exact ? (monotonic as number) - (start.monotonic as number) : timestamp - start.timestamp),
              startSequenceNumber: start.sequenceNumber,
              sequenceNumber,
            });
          }
        }
      }
    } catch (error) {
      if (opts.onInvalid === undefined || !(error instanceof InvalidArgumentError)) throw error;
      opts.onInvalid(index, error);
    }
    index++;
  }
  for (const start of open.values()) restarted.push(unfinishedSpan(start));
  return { spans: [...spans, ...restarted], unmatchedFinishes };
}
