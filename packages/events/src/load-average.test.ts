import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { loadAverage } from "./load-average.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("loadAverage", () => {
  it("makes no OS call between samples: at most one read per everyMs", () => {
    let reads = 0;
    const consumer = loadAverage({ everyMs: 1000, read: () => [++reads, 0.5, 0.25] });
    expect(consumer.streamName).toBe("loadAverage");
    const out = [0, 1, 2, 500, 999, 1000, 1001, 2500].map((t) => consumer(at(t))?.load1);
    expect(reads).toBe(3);
    // Sparse by default: each reading is stored once, nothing in between.
    expect(out).toEqual([1, undefined, undefined, undefined, undefined, 2, undefined, 3]);
  });

  it("repeats the last reading on every event with repeat: true (a dense stream)", () => {
    let reads = 0;
    const consumer = loadAverage({ repeat: true, read: () => [++reads, 0, 0] });
    expect([0, 1, 1000].map((t) => consumer(at(t))?.load1)).toEqual([1, 1, 2]);
  });

  it("names the three averages", () => {
    expect(loadAverage({ read: () => [1.5, 1, 0.5] })(at(0))).toEqual({ load1: 1.5, load5: 1, load15: 0.5 });
  });

  it("reads os.loadavg() by default (at 1000 ms)", () => {
    const consumer = loadAverage();
    const record = consumer(at(0));
    expect(Object.values(record ?? {}).every((n) => Number.isFinite(n) && n >= 0)).toBe(true);
    expect(Object.keys(record ?? {})).toEqual(["load1", "load5", "load15"]);
    expect(consumer(at(999))).toBeUndefined();
  });

  it("rejects a bad everyMs, naming it", () => {
    expect(() => loadAverage({ everyMs: Number.POSITIVE_INFINITY })).toThrow(/loadAverage option everyMs must be a finite number/);
    expect(() => loadAverage(7 as unknown as object)).toThrow(/loadAverage options must be an object/);
  });
});
