import { InvalidArgumentError, type Consumer } from "@dashlog/core";
import { freemem, totalmem } from "node:os";
import { checkBoolean, checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledGauge } from "./sampled.js";

/** One entry of the `freeMemory` stream. */
export interface FreeMemoryRecord {
  /** `freeBytes / totalBytes`, between 0 and 1. */
  readonly freeFraction: number;
  readonly freeBytes: number;
  readonly totalBytes: number;
}

export interface FreeMemoryOptions {
  /** Read at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Between samples, store nothing (false, default: a sparse stream) or repeat the last value (true: one entry per event). */
  readonly repeat?: boolean | undefined;
  /** Where the numbers come from; for tests. Default `os.freemem()` and `os.totalmem()`. */
  readonly read?: (() => { readonly free: number; readonly total: number }) | undefined;
}

const readSystemMemory = (): { free: number; total: number } => ({ free: freemem(), total: totalmem() });

/**
 * Records the fraction of the system's memory that is free (the original's MemoryFree).
 *
 * Cost: `os.freemem()` reads from the OS (on Linux it parses /proc/meminfo: several µs).
 * It runs at most once every `everyMs` (default 1000 ms), never on every event as in the
 * original. Each sample is stored once; between samples the cost per event is a comparison
 * and nothing is stored (`repeat: true` stores the cached record on every event).
 */
export function freeMemory(options?: FreeMemoryOptions): Consumer<FreeMemoryRecord> {
  const opts = checkOptions("freeMemory", options);
  const everyMs = checkMilliseconds("freeMemory option everyMs", opts.everyMs, 1000);
  const repeat = checkBoolean("freeMemory option repeat", opts.repeat, false);
  const read = checkFunction("freeMemory option read", opts.read, readSystemMemory);
  return sampledGauge(
    "freeMemory",
    () => {
      const { free, total } = read();
      if (!(total > 0)) throw new InvalidArgumentError("freeMemory total memory", total, "must be a positive number of bytes");
      return { freeFraction: free / total, freeBytes: free, totalBytes: total };
    },
    everyMs,
    repeat,
  );
}
