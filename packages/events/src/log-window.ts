import { InvalidArgumentError, type Aggregator, type Event, type StreamEntry } from "@dashlog/core";
import { checkHandlers, checkMilliseconds, checkOptions } from "./option-checks.js";

/** The entries one event appended, by stream name (streams that got nothing are absent). */
export interface WindowRow {
  readonly event: Event;
  readonly entries: ReadonlyMap<string, StreamEntry>;
}

/** What one event's pruning removed. */
export interface WindowDeletion {
  readonly event: Event;
  /** Entries with a timestamp before this (epoch ms) were removed; one exactly at it stays. */
  readonly cutoff: number;
  /** How many entries each stream lost (only streams that lost some). */
  readonly removed: ReadonlyMap<string, number>;
}

export type CreationHandler = (row: WindowRow) => void;
export type DeletionHandler = (deletion: WindowDeletion) => void;

export interface LogWindowOptions {
  /** How far back from the newest event entries are kept, in ms. */
  readonly windowMs: number;
  /** Called after each event with the entries it appended (e.g. a `tableStorage()`). */
  readonly onCreate?: CreationHandler | readonly CreationHandler[] | undefined;
  /** Called after each event that pruned something, with the counts per stream. */
  readonly onDelete?: DeletionHandler | readonly DeletionHandler[] | undefined;
}

/**
 * Keeps every stream of the log to a time window (the original's LogWindow): after each
 * event, entries with a timestamp before `event.timestamp - windowMs` are removed; an entry
 * exactly at that boundary stays (the original also removed the first entry inside the
 * window). Then deletion handlers get the per-stream counts removed, and creation
 * handlers the row this event appended.
 *
 * A handler that throws does not stop the others; the first error is rethrown afterwards,
 * so the log reports it as an issue of this aggregator. A run's copy (`fresh()`) shares
 * the handlers: a `tableStorage()` passed here keeps filling the same table across runs.
 *
 * Cost per event: two comparisons while no entry can be old enough (no stream is
 * touched); otherwise a look at each stream's oldest entry, and removal from the front of
 * the streams that have old entries (no copying); one small object per handler call.
 */
export function logWindow(options: LogWindowOptions): Aggregator {
  const opts = checkOptions("logWindow", options) as Partial<LogWindowOptions>;
  if (opts.windowMs === undefined) {
    throw new InvalidArgumentError("logWindow option windowMs", opts.windowMs, "is required: how many ms of entries to keep");
  }
  const windowMs = checkMilliseconds("logWindow option windowMs", opts.windowMs, 0);
  const onCreate = checkHandlers("logWindow option onCreate", opts.onCreate);
  const onDelete = checkHandlers("logWindow option onDelete", opts.onDelete);

  return makeLogWindow(windowMs, onCreate, onDelete);
}

function makeLogWindow(windowMs: number, onCreate: readonly CreationHandler[], onDelete: readonly DeletionHandler[]): Aggregator {
  // No entry of any stream is older than this. Entries only ever get the timestamp of the
  // event that appended them, so it is lowered by older events and raised after a scan.
  // While the cutoff is below it nothing can be pruned and no stream is touched: reading
  // each stream's oldest entry, long out of the CPU cache, was most of this aggregator's cost.
  // Unknown at first (the log may already hold entries), so the first event scans.
  let oldestBound = Number.NEGATIVE_INFINITY;

  // `context.appended` is read only when there are creation handlers: core builds it on first read.
  const aggregate: Aggregator = (context) => {
    const { event, streams } = context;
    const cutoff = event.timestamp - windowMs;
    if (event.timestamp < oldestBound) oldestBound = event.timestamp;
    let removed: Map<string, number> | undefined;
    if (cutoff > oldestBound) {
      let bound = Number.POSITIVE_INFINITY;
      for (const stream of streams.values()) {
        let oldest = stream.first;
        if (oldest !== undefined && oldest.timestamp < cutoff) {
          (removed ??= new Map()).set(stream.name, stream.removeOlderThan(cutoff));
          oldest = stream.first;
        }
        if (oldest !== undefined && oldest.timestamp < bound) bound = oldest.timestamp;
      }
      oldestBound = bound;
    }
    let failure: { error: unknown } | undefined;
    if (removed !== undefined && onDelete.length > 0) {
      const deletion: WindowDeletion = { event, cutoff, removed };
      for (const handler of onDelete) {
        try {
          handler(deletion);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (onCreate.length > 0) {
      const row: WindowRow = { event, entries: context.appended };
      for (const handler of onCreate) {
        try {
          handler(row);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (failure !== undefined) throw failure.error;
  };
  // Each run's copy keeps its own bound; the handlers are shared (see above).
  return Object.assign(aggregate, { fresh: () => makeLogWindow(windowMs, onCreate, onDelete) });
}
