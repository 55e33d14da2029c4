import type { Consumer } from "@dashlog/core";
import { getHeapStatistics } from "node:v8";
import { checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledGauge } from "./sampled.js";

/** One entry of the `bytes` stream. */
export interface HeapRecord {
  /** Bytes of the V8 heap in use (live objects plus garbage not yet collected). */
  readonly heapUsed: number;
}

export interface BytesAllocatedOptions {
  /** Read at most this often (ms, on the events' monotonic clock). Default 0: on every event. */
  readonly everyMs?: number | undefined;
  /** Where the number comes from; for tests. Default `v8.getHeapStatistics().used_heap_size`. */
  readonly read?: (() => number) | undefined;
}

const readHeapUsed = (): number => getHeapStatistics().used_heap_size;

/**
 * Records the JavaScript heap in use (the original's BytesAllocd).
 *
 * Cost per event: one `v8.getHeapStatistics()` call, which asks V8 for its counters
 * without walking the heap or calling the OS (about 0.2 µs), and one small object. It
 * deliberately avoids `process.memoryUsage()`, which also reads RSS from the OS: use
 * `memoryUsage()` for that, sampled.
 */
export function bytesAllocated(options?: BytesAllocatedOptions): Consumer<HeapRecord> {
  const opts = checkOptions("bytesAllocated", options);
  const everyMs = checkMilliseconds("bytesAllocated option everyMs", opts.everyMs, 0);
  const read = checkFunction("bytesAllocated option read", opts.read, readHeapUsed);
  return sampledGauge("bytes", () => ({ heapUsed: read() }), everyMs, true);
}
