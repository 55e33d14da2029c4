import { defineConsumer, InvalidArgumentError, validateStreamName, type Consumer } from "@dashlog/core";
import { checkBoolean, checkMilliseconds, checkOptions } from "./option-checks.js";
import { SampleSchedule } from "./sample-schedule.js";

export interface SampledOptions<T> {
  /** Stream name used by `log.add(consumer)`. */
  readonly streamName: string;
  /** Reads the gauge; called at most once every `everyMs`. */
  readonly read: () => T;
  /** Read at most this often, measured on the events' monotonic time. Default 1000 ms. */
  readonly everyMs?: number | undefined;
  /**
   * Between samples, store nothing (false, the default: a sparse stream, one entry per sample)
   * or repeat the last value (true: a dense stream with an entry for every event, index-aligned
   * with `logs`, at the cost of one stored record per event).
   */
  readonly repeat?: boolean | undefined;
}

/**
 * A consumer for a gauge that is too costly to read on every event (an OS call, a heap
 * walk): it reads at most once every `everyMs` and stores each reading once; between
 * readings it stores nothing (or, with `repeat: true`, the cached value again).
 * Per-event cost between samples: one subtraction and a comparison.
 */
export function sampled<T>(options: SampledOptions<T>): Consumer<T> {
  const opts = checkOptions("sampled", options) as Partial<SampledOptions<T>>;
  const streamName = validateStreamName(opts.streamName, "sampled option streamName");
  if (typeof opts.read !== "function") {
    throw new InvalidArgumentError("sampled option read", opts.read, "must be a function () => value");
  }
  const everyMs = checkMilliseconds("sampled option everyMs", opts.everyMs, 1000);
  const repeat = checkBoolean("sampled option repeat", opts.repeat, false);
  return sampledGauge(streamName, opts.read, everyMs, repeat);
}

/** `sampled` without the option checks, for the built-in gauges that checked their own. */
export function sampledGauge<T>(streamName: string, read: () => T, everyMs: number, repeat: boolean): Consumer<T> {
  const schedule = new SampleSchedule(everyMs);
  let value: T | undefined;
  return defineConsumer<T>(
    (event) => {
      if (schedule.due(event.monotonic)) {
        value = read();
        return value;
      }
      return repeat ? value : undefined;
    },
    { streamName, fresh: () => sampledGauge(streamName, read, everyMs, repeat) },
  );
}
