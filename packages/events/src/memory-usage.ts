import type { Consumer } from "@dashlog/core";
import { checkBoolean, checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledGauge } from "./sampled.js";

/** One entry of the `memory` stream, in bytes (as `process.memoryUsage()` reports them). */
export interface MemoryRecord {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

export interface MemoryUsageOptions {
  /** Read at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Between samples, store nothing (false, default: a sparse stream) or repeat the last value (true: one entry per event). */
  readonly repeat?: boolean | undefined;
  /** Where the numbers come from; for tests. Default `process.memoryUsage`. */
  readonly read?: (() => MemoryRecord) | undefined;
}

/**
 * Records resident set size, V8 heap, memory held outside the heap by C++ objects
 * (`external`) and by ArrayBuffers and Buffers (`arrayBuffers`).
 *
 * Cost: `process.memoryUsage()` reads RSS from the OS and totals every heap space
 * (a few µs), so it runs at most once every `everyMs` (default 1000 ms). Each sample is
 * stored once; between samples the cost per event is a comparison and nothing is stored
 * (with `repeat: true` the cached record is stored again on every event).
 */
export function memoryUsage(options?: MemoryUsageOptions): Consumer<MemoryRecord> {
  const opts = checkOptions("memoryUsage", options);
  const everyMs = checkMilliseconds("memoryUsage option everyMs", opts.everyMs, 1000);
  const repeat = checkBoolean("memoryUsage option repeat", opts.repeat, false);
  const read = checkFunction("memoryUsage option read", opts.read, () => process.memoryUsage());
  return sampledGauge(
    "memory",
    () => {
      // Copy the five fields: the result of a custom read may carry more.
      const m = read();
      return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    everyMs,
    repeat,
  );
}
