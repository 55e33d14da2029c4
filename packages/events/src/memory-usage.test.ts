import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { memoryUsage, type MemoryRecord } from "./memory-usage.js";

const at = (monotonic: number) => createEvent({ monotonic });
const sample = (n: number): MemoryRecord & { extra: number } => ({ rss: n, heapTotal: n, heapUsed: n, external: n, arrayBuffers: n, extra: n });

describe("memoryUsage", () => {
  it("reads at most once a second by default and stores each sample once", () => {
    let reads = 0;
    const consumer = memoryUsage({ read: () => sample(++reads) });
    expect(consumer.streamName).toBe("memory");
    const out = [0, 500, 999, 1000].map((t) => consumer(at(t))?.rss);
    expect(out).toEqual([1, undefined, undefined, 2]);
    expect(reads).toBe(2);
  });

  it("repeats the last sample on every event with repeat: true", () => {
    let reads = 0;
    const consumer = memoryUsage({ repeat: true, read: () => sample(++reads) });
    expect([0, 500, 1000].map((t) => consumer(at(t))?.rss)).toEqual([1, 1, 2]);
  });

  it("keeps the five documented fields only", () => {
    expect(memoryUsage({ read: () => sample(3) })(at(0))).toStrictEqual({ rss: 3, heapTotal: 3, heapUsed: 3, external: 3, arrayBuffers: 3 });
  });

  it("stores only new samples with repeat: false", () => {
    const consumer = memoryUsage({ everyMs: 10, repeat: false, read: () => sample(1) });
    expect([0, 5].map((t) => consumer(at(t)))).toEqual([expect.any(Object), undefined]);
  });

  it("reads process.memoryUsage() by default", () => {
    const record = memoryUsage()(at(0));
    for (const key of ["rss", "heapTotal", "heapUsed", "external", "arrayBuffers"] as const) {
      expect(Number.isFinite(record?.[key]), key).toBe(true);
    }
    expect(record?.rss).toBeGreaterThan(0);
  });
});
