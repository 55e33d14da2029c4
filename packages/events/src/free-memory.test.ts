import { createEvent, MultiEventLog } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { freeMemory } from "./free-memory.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("freeMemory", () => {
  it("records the free fraction, reading at most every everyMs", () => {
    let reads = 0;
    const consumer = freeMemory({ everyMs: 250, read: () => ({ free: 25 * ++reads, total: 100 }) });
    expect(consumer.streamName).toBe("freeMemory");
    expect(consumer(at(0))).toEqual({ freeFraction: 0.25, freeBytes: 25, totalBytes: 100 });
    expect(consumer(at(249))).toBeUndefined();
    expect(consumer(at(250))?.freeFraction).toBe(0.5);
    expect(reads).toBe(2);
  });

  it("reports an impossible total as an issue instead of storing NaN", () => {
    const log = new MultiEventLog().add(freeMemory({ read: () => ({ free: 0, total: 0 }) }));
    const seen: string[] = [];
    log.issues.on((issue) => seen.push(issue.message));
    log.emit(at(0));
    expect(seen).toEqual([expect.stringMatching(/freeMemory total memory must be a positive number of bytes, got 0/)]);
    expect(log.drain()["freeMemory"]).toEqual([]);
  });

  it("reads the OS by default", () => {
    const record = freeMemory()(at(0));
    expect(record?.freeFraction).toBeGreaterThan(0);
    expect(record?.freeFraction).toBeLessThanOrEqual(1);
    expect(record?.totalBytes).toBeGreaterThan(record?.freeBytes ?? Number.POSITIVE_INFINITY);
  });
});
