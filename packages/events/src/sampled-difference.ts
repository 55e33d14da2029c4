import { defineConsumer, type Consumer } from "@dashlog/core";
import { SampleSchedule } from "./sample-schedule.js";

/**
 * A consumer of a cumulative counter: at most every `everyMs` it reads the counter and
 * stores `difference(now, before, intervalMs)` against the previous reading. The first
 * reading (and one after time went backwards) is only a baseline; `difference` may return
 * `undefined` to store nothing for an interval.
 */
export function sampledDifference<R, T>(
  streamName: string,
  everyMs: number,
  read: () => R,
  difference: (now: R, before: R, intervalMs: number) => T | undefined,
): Consumer<T> {
  const schedule = new SampleSchedule(everyMs);
  let previous: R | undefined;
  let hasPrevious = false;
  return defineConsumer<T>(
    (event) => {
      if (!schedule.due(event.monotonic)) return undefined;
      const now = read();
      const before = previous;
      const hadBefore = hasPrevious;
      previous = now;
      hasPrevious = true;
      if (!hadBefore || schedule.isBaseline) return undefined;
      return difference(now, before as R, schedule.interval);
    },
    { streamName, fresh: () => sampledDifference(streamName, everyMs, read, difference) },
  );
}
