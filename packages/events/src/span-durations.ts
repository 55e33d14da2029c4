import { defineConsumer, type Consumer, type Event, type SpanId } from "@dashlog/core";
import { checkLimit, checkOptions } from "./option-checks.js";
import { spanKey } from "./span-key.js";

/** One entry of the `spans` stream, stored at the span's finish (its `sequenceNumber` is the finish's). */
export interface SpanRecord {
  readonly category: string;
  readonly id: SpanId;
  /** Wall-clock time of the start event, ISO-8601 UTC. */
  readonly start: string;
  /** `performance.now()` ms at the start event: exact, but only comparable within one process. */
  readonly startMonotonic: number;
  /** Finish minus start on the monotonic clock, in milliseconds. */
  readonly durationMs: number;
  readonly startSequenceNumber: number;
}

/** A span that started and has not finished, as `toChromeTrace` accepts it. */
export interface UnfinishedSpan {
  readonly category: string;
  readonly id: SpanId;
  readonly start: string;
  readonly startMonotonic: number;
  readonly startSequenceNumber: number;
}

export interface SpanDurationsOptions {
  /** Most starts remembered while waiting for their finish; beyond it the oldest is forgotten (and counted). Default 100,000. */
  readonly maxOpenSpans?: number | undefined;
}

export interface SpanDurationsConsumer extends Consumer<SpanRecord> {
  /** Spans started and not finished yet. */
  readonly openSpans: number;
  /** Starts forgotten because more than `maxOpenSpans` were open; their finishes yield nothing. */
  readonly forgotten: number;
  /** The open spans, oldest first (e.g. to export them when the run ends). */
  unfinished(): UnfinishedSpan[];
  fresh(): SpanDurationsConsumer;
}

interface Start {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly monotonic: number;
}

/**
 * Records the duration of every span at its finish: `{ category, id, start, startMonotonic,
 * durationMs, startSequenceNumber }`, from the events' monotonic clock. A finish without a
 * start yields nothing (the run reports it as an issue); a start seen twice keeps the later
 * one. The records are the input of `toChromeTrace`.
 *
 * Cost per event: nothing on point events; one Map insert on a start; one Map lookup, one
 * delete and one record (with an ISO string) on a finish.
 */
export function spanDurations(options?: SpanDurationsOptions): SpanDurationsConsumer {
  const opts = checkOptions("spanDurations", options);
  const maxOpenSpans = checkLimit("spanDurations option maxOpenSpans", opts.maxOpenSpans, 100_000);
  return makeSpanDurations(maxOpenSpans);
}

function makeSpanDurations(maxOpenSpans: number): SpanDurationsConsumer {
  const open = new Map<string, Start & { readonly category: string; readonly id: SpanId }>();
  let forgotten = 0;

  const consume = (event: Event): SpanRecord | undefined => {
    if (event.kind === "point" || event.id === undefined) return undefined;
    const key = spanKey(event.category, event.id);
    if (event.kind === "start") {
      // Re-inserting moves a restarted span to the back, so eviction stays oldest-first.
      open.delete(key);
      open.set(key, { category: event.category, id: event.id, sequenceNumber: event.sequenceNumber, timestamp: event.timestamp, monotonic: event.monotonic });
      if (open.size > maxOpenSpans) {
        const oldest = open.keys().next();
        if (oldest.done !== true) open.delete(oldest.value);
        forgotten++;
      }
      return undefined;
    }
    const start = open.get(key);
    if (start === undefined) return undefined;
    open.delete(key);
    return {
      category: event.category,
      id: event.id,
      start: new Date(start.timestamp).toISOString(),
      startMonotonic: start.monotonic,
      durationMs: Math.max(0, event.monotonic - start.monotonic),
      startSequenceNumber: start.sequenceNumber,
    };
  };

  return Object.defineProperties(
    Object.assign(consume, {
      streamName: "spans",
      fresh: () => makeSpanDurations(maxOpenSpans),
      unfinished: (): UnfinishedSpan[] =>
        [...open.values()].map((s) => ({
          category: s.category,
          id: s.id,
          start: new Date(s.timestamp).toISOString(),
          startMonotonic: s.monotonic,
          startSequenceNumber: s.sequenceNumber,
        })),
    }),
    {
      openSpans: { get: () => open.size, enumerable: true },
      forgotten: { get: () => forgotten, enumerable: true },
    },
  ) as SpanDurationsConsumer;
}
