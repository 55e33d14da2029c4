import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { cpuUsage } from "./cpu-usage.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("cpuUsage", () => {
  it("takes a baseline on the first event, then records the difference since the previous sample", () => {
    const readings = [
      { user: 1000, system: 500 },
      { user: 1600, system: 700 },
      { user: 1700, system: 700 },
    ];
    const consumer = cpuUsage({ everyMs: 0, read: () => readings.shift() ?? { user: 0, system: 0 } });
    expect(consumer.streamName).toBe("cpu");
    expect(consumer(at(0))).toBeUndefined();
    expect(consumer(at(2))).toEqual({ userUs: 600, systemUs: 200, intervalMs: 2 });
    expect(consumer(at(5))).toEqual({ userUs: 100, systemUs: 0, intervalMs: 3 });
  });

  it("stores nothing between samples rather than repeating a difference", () => {
    let reads = 0;
    const consumer = cpuUsage({ everyMs: 100, read: () => ({ user: ++reads, system: 0 }) });
    const out = [0, 50, 100, 150, 200].map((t) => consumer(at(t)));
    expect(reads).toBe(3);
    expect(out).toEqual([undefined, undefined, { userUs: 1, systemUs: 0, intervalMs: 100 }, undefined, { userUs: 1, systemUs: 0, intervalMs: 100 }]);
  });

  it("samples at most once a second by default", () => {
    let reads = 0;
    const consumer = cpuUsage({ read: () => ({ user: 10 * ++reads, system: 0 }) });
    const out = [0, 1, 999, 1000, 1500, 2100].map((t) => consumer(at(t)));
    expect(reads).toBe(3);
    expect(out).toEqual([undefined, undefined, undefined, { userUs: 10, systemUs: 0, intervalMs: 1000 }, undefined, { userUs: 10, systemUs: 0, intervalMs: 1100 }]);
  });

  it("starts over when time goes backwards (fresh baseline)", () => {
    let reads = 0;
    const consumer = cpuUsage({ everyMs: 0, read: () => ({ user: ++reads, system: 0 }) });
    consumer(at(100));
    consumer(at(101));
    expect(consumer(at(5))).toBeUndefined();
    expect(consumer(at(6))).toEqual({ userUs: 1, systemUs: 0, intervalMs: 1 });
  });

  it("reads process.cpuUsage() by default", () => {
    const consumer = cpuUsage({ everyMs: 0 });
    consumer(at(0));
    let busy = 0;
    for (let i = 0; i < 1e5; i++) busy += Math.sqrt(i);
    const record = consumer(at(1));
    expect(busy).toBeGreaterThan(0);
    expect(record?.userUs).toBeGreaterThanOrEqual(0);
    expect(record?.systemUs).toBeGreaterThanOrEqual(0);
    expect(record?.intervalMs).toBe(1);
  });
});
