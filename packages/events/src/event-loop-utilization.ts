import type { Consumer } from "@dashlog/core";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledDifference } from "./sampled-difference.js";

/** One entry of the `eventLoopUtilization` stream, for the time since the previous sample. */
export interface EventLoopUtilizationRecord {
  /** Fraction of the time the loop was busy (not waiting in the OS for I/O or timers), 0 to 1. */
  readonly utilization: number;
  readonly activeMs: number;
  readonly idleMs: number;
}

export interface EventLoopUtilizationOptions {
  /** Report at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Cumulative idle and active times; for tests. Default `performance.eventLoopUtilization`. */
  readonly read?: (() => Pick<EventLoopUtilization, "idle" | "active">) | undefined;
}

const readUtilization = (): EventLoopUtilization => performance.eventLoopUtilization();

/**
 * Records how busy the event loop was since the previous sample (`perf_hooks`
 * event-loop utilisation). The first event takes the baseline and stores nothing; so does
 * an interval in which the loop never ran (e.g. one long synchronous stretch).
 *
 * Cost per event: a comparison; at most once every `everyMs`, one
 * `performance.eventLoopUtilization()` call (reads libuv counters: no system call,
 * about 30 ns) and one small object.
 */
export function eventLoopUtilization(options?: EventLoopUtilizationOptions): Consumer<EventLoopUtilizationRecord> {
  const opts = checkOptions("eventLoopUtilization", options);
  const everyMs = checkMilliseconds("eventLoopUtilization option everyMs", opts.everyMs, 1000);
  const read = checkFunction("eventLoopUtilization option read", opts.read, readUtilization);
  return sampledDifference("eventLoopUtilization", everyMs, read, (now, before) => {
    const activeMs = now.active - before.active;
    const idleMs = now.idle - before.idle;
    const total = activeMs + idleMs;
    return total > 0 ? { utilization: activeMs / total, activeMs, idleMs } : undefined;
  });
}
