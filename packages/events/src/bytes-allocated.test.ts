import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { bytesAllocated } from "./bytes-allocated.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("bytesAllocated", () => {
  it("samples the heap every 100 ms by default and stores each sample once", () => {
    let heap = 1000;
    const consumer = bytesAllocated({ read: () => (heap += 8) });
    expect(consumer.streamName).toBe("bytes");
    expect([0, 50, 99, 100].map((t) => consumer(at(t)))).toEqual([{ heapUsed: 1008 }, undefined, undefined, { heapUsed: 1016 }]);
  });

  it("reads on every event with everyMs: 0, and repeats between samples with repeat: true", () => {
    let heap = 1000;
    const everyEvent = bytesAllocated({ everyMs: 0, read: () => (heap += 8) });
    expect([0, 0, 1].map((t) => everyEvent(at(t)))).toEqual([{ heapUsed: 1008 }, { heapUsed: 1016 }, { heapUsed: 1024 }]);
    const dense = bytesAllocated({ repeat: true, read: () => (heap += 8) });
    expect([0, 50].map((t) => dense(at(t)))).toEqual([{ heapUsed: 1032 }, { heapUsed: 1032 }]);
  });

  it("reads at most every everyMs when asked to", () => {
    let reads = 0;
    const consumer = bytesAllocated({ everyMs: 100, read: () => ++reads });
    [0, 10, 99, 100].forEach((t) => consumer(at(t)));
    expect(reads).toBe(2);
  });

  it("reads the real V8 heap by default", () => {
    const heapUsed = bytesAllocated()(at(0))?.heapUsed;
    expect(Number.isSafeInteger(heapUsed)).toBe(true);
    expect(heapUsed).toBeGreaterThan(0);
  });

  it("rejects bad options", () => {
    expect(() => bytesAllocated({ everyMs: -5 })).toThrow(/bytesAllocated option everyMs must be a finite number of milliseconds >= 0, got -5/);
    expect(() => bytesAllocated({ read: 1 as unknown as () => number })).toThrow(/bytesAllocated option read must be a function, got 1/);
  });
});
