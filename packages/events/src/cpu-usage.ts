import type { Consumer } from "@dashlog/core";
import { checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledDifference } from "./sampled-difference.js";

/** One entry of the `cpu` stream: CPU time the process used since the previous sample. */
export interface CpuRecord {
  /** Microseconds of user CPU time (all threads). */
  readonly userUs: number;
  /** Microseconds of system CPU time (all threads). */
  readonly systemUs: number;
  /** Milliseconds since the previous sample on the events' monotonic clock; (userUs + systemUs) / 1000 / intervalMs is the CPU utilisation. */
  readonly intervalMs: number;
}

export interface CpuUsageOptions {
  /** Read at most this often (ms, on the events' monotonic clock). Default 1000; 0 reads on every event. */
  readonly everyMs?: number | undefined;
  /** Where the numbers come from; for tests. Default `process.cpuUsage`. */
  readonly read?: (() => NodeJS.CpuUsage) | undefined;
}

/**
 * Records the process's user and system CPU time since the previous sample. The first
 * event only takes the baseline and stores nothing; between samples nothing is stored
 * (repeating a difference would count it twice).
 *
 * Cost per sample: `process.cpuUsage()`, one `getrusage` system call (about 0.3 µs), and
 * one small object; sampled like the other system consumers, at most once every `everyMs`
 * (default 1000 ms), so between samples an event costs a comparison. `everyMs: 0` makes
 * the call on every event (a per-event CPU figure, at about 0.5 µs an event).
 */
export function cpuUsage(options?: CpuUsageOptions): Consumer<CpuRecord> {
  const opts = checkOptions("cpuUsage", options);
  const everyMs = checkMilliseconds("cpuUsage option everyMs", opts.everyMs, 1000);
  const read = checkFunction("cpuUsage option read", opts.read, () => process.cpuUsage());
  return sampledDifference("cpu", everyMs, read, (now, before, intervalMs) => ({
    userUs: now.user - before.user,
    systemUs: now.system - before.system,
    intervalMs,
  }));
}
