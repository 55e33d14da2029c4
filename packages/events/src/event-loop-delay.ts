import { defineConsumer, InvalidArgumentError, type Consumer } from "@dashlog/core";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { checkFunction, checkMilliseconds, checkOptions } from "./option-checks.js";
import { SampleSchedule } from "./sample-schedule.js";

/** One entry of the `eventLoopDelay` stream: delays measured since the previous sample. */
export interface EventLoopDelayRecord {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** How many delays were measured (about one per `resolutionMs` while the loop turns). */
  readonly samples: number;
  /** Milliseconds since the previous sample on the events' monotonic clock. */
  readonly intervalMs: number;
}

/** What `eventLoopDelay` needs of `perf_hooks.monitorEventLoopDelay()`; values in nanoseconds. */
export interface DelayHistogram {
  enable(): boolean;
  disable(): boolean;
  reset(): void;
  percentile(percentile: number): number;
  readonly max: number;
  readonly mean: number;
  readonly count: number;
}

export interface EventLoopDelayOptions {
  /** Report at most this often (ms, on the events' monotonic clock). Default 1000. */
  readonly everyMs?: number | undefined;
  /** Timer resolution of the histogram in ms (Node's default: 10). */
  readonly resolutionMs?: number | undefined;
  /** Makes the histogram; for tests. Default `perf_hooks.monitorEventLoopDelay`. */
  readonly createHistogram?: ((resolutionMs: number) => DelayHistogram) | undefined;
}

const NS_PER_MS = 1e6;

const createDelayHistogram = (resolutionMs: number): DelayHistogram => monitorEventLoopDelay({ resolution: resolutionMs });

/**
 * Records how late the event loop ran timers (p50, p99, max, mean) since the previous
 * sample, from a `monitorEventLoopDelay` histogram that is reset at each sample. The
 * histogram is started by the first event (so a consumer that is only a template holds
 * nothing) and stopped by `close()`. The first event and intervals in which the loop never
 * turned store nothing.
 *
 * Cost per event: a comparison; at most once every `everyMs`, four histogram reads and a
 * reset (no OS call). The histogram itself runs a libuv timer every `resolutionMs`, which
 * does not keep the process alive.
 */
export function eventLoopDelay(options?: EventLoopDelayOptions): Consumer<EventLoopDelayRecord> {
  const opts = checkOptions("eventLoopDelay", options);
  const everyMs = checkMilliseconds("eventLoopDelay option everyMs", opts.everyMs, 1000);
  const resolutionMs = checkMilliseconds("eventLoopDelay option resolutionMs", opts.resolutionMs, 10);
  if (resolutionMs < 1 || !Number.isInteger(resolutionMs)) {
    throw new InvalidArgumentError("eventLoopDelay option resolutionMs", resolutionMs, "must be a whole number of milliseconds >= 1");
  }
  const create = checkFunction("eventLoopDelay option createHistogram", opts.createHistogram, createDelayHistogram);
  return makeEventLoopDelay(everyMs, resolutionMs, create);
}

function makeEventLoopDelay(
  everyMs: number,
  resolutionMs: number,
  create: (resolutionMs: number) => DelayHistogram,
): Consumer<EventLoopDelayRecord> {
  const schedule = new SampleSchedule(everyMs);
  let histogram: DelayHistogram | undefined;
  let closed = false;
  return defineConsumer<EventLoopDelayRecord>(
    (event) => {
      if (closed || !schedule.due(event.monotonic)) return undefined;
      if (histogram === undefined) {
        histogram = create(resolutionMs);
        histogram.enable();
        return undefined;
      }
      if (schedule.isBaseline) {
        histogram.reset();
        return undefined;
      }
      const samples = histogram.count;
      if (samples === 0) return undefined;
      const record: EventLoopDelayRecord = {
        p50Ms: histogram.percentile(50) / NS_PER_MS,
        p99Ms: histogram.percentile(99) / NS_PER_MS,
        maxMs: histogram.max / NS_PER_MS,
        meanMs: histogram.mean / NS_PER_MS,
        samples,
        intervalMs: schedule.interval,
      };
      histogram.reset();
      return record;
    },
    {
      streamName: "eventLoopDelay",
      fresh: () => makeEventLoopDelay(everyMs, resolutionMs, create),
      close: () => {
        closed = true;
        histogram?.disable();
        histogram = undefined;
      },
    },
  );
}
