import type { Consumer } from "@dashlog/core";
import { loadavg } from "node:os";
import { checkBoolean, checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { sampledGauge } from "./sampled.js";

/** One entry of the `loadAverage` stream. */
export interface LoadAverageRecord {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

export interface LoadAverageOptions {
  /** Read at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Between samples, store nothing (false, default: a sparse stream) or repeat the last value (true: one entry per event). */
  readonly repeat?: boolean | undefined;
  /** Where the numbers come from; for tests. Default `os.loadavg`. */
  readonly read?: (() => readonly number[]) | undefined;
}

/**
 * Records the system's 1, 5 and 15-minute load averages (the original's CPULoadAverages;
 * always zeros on Windows).
 *
 * Cost: `os.loadavg()` is a system call (a few µs). The original made it on every event,
 * which is most of its reported 7x slow-down; here it runs at most once every `everyMs`
 * (default 1000 ms, and the kernel updates the numbers only every 5 s anyway). Between
 * samples the cost per event is a comparison and nothing is stored (`repeat: true` stores
 * the cached record on every event).
 */
export function loadAverage(options?: LoadAverageOptions): Consumer<LoadAverageRecord> {
  const opts = checkOptions("loadAverage", options);
  const everyMs = checkMilliseconds("loadAverage option everyMs", opts.everyMs, 1000);
  const repeat = checkBoolean("loadAverage option repeat", opts.repeat, false);
  const read = checkFunction("loadAverage option read", opts.read, loadavg);
  return sampledGauge(
    "loadAverage",
    () => {
      const [load1 = 0, load5 = 0, load15 = 0] = read();
      return { load1, load5, load15 };
    },
    everyMs,
    repeat,
  );
}
