import { createEvent } from "@dashlog/core";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { eventLoopDelay, type DelayHistogram } from "./event-loop-delay.js";

const at = (monotonic: number) => createEvent({ monotonic });

class FakeHistogram implements DelayHistogram {
  calls: string[] = [];
  delaysNs: number[] = [];
  enable(): boolean {
    this.calls.push("enable");
    return true;
  }
  disable(): boolean {
    this.calls.push("disable");
    return true;
  }
  reset(): void {
    this.calls.push("reset");
    this.delaysNs = [];
  }
  percentile(p: number): number {
    const sorted = [...this.delaysNs].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  }
  get max(): number {
    return Math.max(0, ...this.delaysNs);
  }
  get mean(): number {
    return this.delaysNs.reduce((a, b) => a + b, 0) / this.delaysNs.length;
  }
  get count(): number {
    return this.delaysNs.length;
  }
}

describe("eventLoopDelay", () => {
  it("starts its histogram on the first event, not when built (templates hold nothing)", () => {
    const made: number[] = [];
    const consumer = eventLoopDelay({ resolutionMs: 20, createHistogram: (r) => (made.push(r), new FakeHistogram()) });
    expect(made).toEqual([]);
    expect(consumer(at(0))).toBeUndefined();
    expect(made).toEqual([20]);
  });

  it("reports percentiles in ms since the previous sample and resets the histogram", () => {
    const histogram = new FakeHistogram();
    const consumer = eventLoopDelay({ everyMs: 1000, createHistogram: () => histogram });
    expect(consumer.streamName).toBe("eventLoopDelay");
    consumer(at(0));
    histogram.delaysNs = [1e6, 2e6, 3e6, 4e6, 40e6];
    expect(consumer(at(999))).toBeUndefined();
    expect(consumer(at(1000))).toEqual({ p50Ms: 3, p99Ms: 40, maxMs: 40, meanMs: 10, samples: 5, intervalMs: 1000 });
    expect(histogram.calls).toEqual(["enable", "reset"]);
    expect(histogram.count).toBe(0);
  });

  it("stores nothing for an interval in which the loop never turned", () => {
    const histogram = new FakeHistogram();
    const consumer = eventLoopDelay({ everyMs: 10, createHistogram: () => histogram });
    consumer(at(0));
    expect(consumer(at(10))).toBeUndefined();
  });

  it("close() stops the histogram, and later events do not restart it", () => {
    const histogram = new FakeHistogram();
    let made = 0;
    const consumer = eventLoopDelay({ everyMs: 0, createHistogram: () => (made++, histogram) });
    consumer(at(0));
    consumer.close?.();
    expect(histogram.calls).toEqual(["enable", "disable"]);
    expect(consumer(at(5))).toBeUndefined();
    expect(made).toBe(1);
  });

  it("fresh() gets its own histogram", () => {
    let made = 0;
    const consumer = eventLoopDelay({ createHistogram: () => (made++, new FakeHistogram()) });
    consumer(at(0));
    consumer.fresh?.()(at(0));
    expect(made).toBe(2);
  });

  it("measures the real event loop with perf_hooks", async () => {
    const consumer = eventLoopDelay({ everyMs: 0, resolutionMs: 1 });
    consumer(at(performance.now()));
    let record = undefined;
    // Bounded wait for the histogram's timer to have fired at least once.
    for (let i = 0; i < 50 && record === undefined; i++) {
      await sleep(5);
      record = consumer(at(performance.now()));
    }
    consumer.close?.();
    expect(record).toBeDefined();
    expect(record?.samples).toBeGreaterThan(0);
    expect(record?.maxMs).toBeGreaterThanOrEqual(record?.p50Ms ?? Number.POSITIVE_INFINITY);
  });

  it("rejects a resolution below 1 ms", () => {
    expect(() => eventLoopDelay({ resolutionMs: 0.5 })).toThrow(/eventLoopDelay option resolutionMs must be a whole number of milliseconds >= 1, got 0.5/);
  });
});
