import { defineConsumer, type Consumer } from "@dashlog/core";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { SampleSchedule } from "./sample-schedule.js";

/** One entry of the `gc` stream: collections reported since the previous sample. */
export interface GcRecord {
  readonly count: number;
  /** How many of them were major (mark-sweep-compact) collections. */
  readonly major: number;
  /** Total pause, in milliseconds. */
  readonly pauseMs: number;
  readonly maxPauseMs: number;
  /** Milliseconds since the previous sample on the events' monotonic clock. */
  readonly intervalMs: number;
}

/** Calls `onGc` for every collection; returns the function that stops watching. */
export type GcSource = (onGc: (pauseMs: number, major: boolean) => void) => () => void;

export interface GcStatsOptions {
  /** Report at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Where collections come from; for tests. Default a `PerformanceObserver` of entry type "gc". */
  readonly source?: GcSource | undefined;
}

const observeGc: GcSource = (onGc) => {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } | null }).detail?.kind;
      onGc(entry.duration, kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return () => observer.disconnect();
};

/**
 * Records how many garbage collections ran since the previous sample and how long they
 * paused the process (the original's GCStats). A `PerformanceObserver` is started by the
 * first event (so a consumer that is only a template holds nothing) and disconnected by
 * `close()`. Node delivers GC entries asynchronously, so a collection shows up in the
 * first sample after its entry was delivered. The first event stores nothing.
 *
 * Cost per event: a comparison; at most once every `everyMs`, one small object. Each
 * collection costs one observer callback, off the logging path.
 */
export function gcStats(options?: GcStatsOptions): Consumer<GcRecord> {
  const opts = checkOptions("gcStats", options);
  const everyMs = checkMilliseconds("gcStats option everyMs", opts.everyMs, 1000);
  const source = checkFunction("gcStats option source", opts.source, observeGc);
  return makeGcStats(everyMs, source);
}

function makeGcStats(everyMs: number, source: GcSource): Consumer<GcRecord> {
  const schedule = new SampleSchedule(everyMs);
  let stop: (() => void) | undefined;
  let closed = false;
  let count = 0;
  let major = 0;
  let pauseMs = 0;
  let maxPauseMs = 0;
  const onGc = (pause: number, isMajor: boolean): void => {
    count++;
    if (isMajor) major++;
    pauseMs += pause;
    if (pause > maxPauseMs) maxPauseMs = pause;
  };
  const reset = (): void => {
    count = 0;
    major = 0;
    pauseMs = 0;
    maxPauseMs = 0;
  };
  return defineConsumer<GcRecord>(
    (event) => {
      if (closed || !schedule.due(event.monotonic)) return undefined;
      if (stop === undefined) {
        stop = source(onGc);
        return undefined;
      }
      if (schedule.isBaseline) {
        reset();
        return undefined;
      }
      const record: GcRecord = { count, major, pauseMs, maxPauseMs, intervalMs: schedule.interval };
      reset();
      return record;
    },
    {
      streamName: "gc",
      fresh: () => makeGcStats(everyMs, source),
      close: () => {
        closed = true;
        stop?.();
        stop = undefined;
      },
    },
  );
}
