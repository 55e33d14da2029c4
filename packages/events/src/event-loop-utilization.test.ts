import { createEvent } from "@dashlog/core";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { eventLoopUtilization } from "./event-loop-utilization.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("eventLoopUtilization", () => {
  it("takes a baseline, then records the busy fraction since the previous sample", () => {
    const readings = [
      { active: 100, idle: 900 },
      { active: 400, idle: 1600 },
    ];
    const consumer = eventLoopUtilization({ everyMs: 1000, read: () => readings.shift() ?? { active: 0, idle: 0 } });
    expect(consumer.streamName).toBe("eventLoopUtilization");
    expect(consumer(at(0))).toBeUndefined();
    expect(consumer(at(500))).toBeUndefined();
    expect(consumer(at(1000))).toEqual({ utilization: 0.3, activeMs: 300, idleMs: 700 });
  });

  it("stores nothing when the loop did not run at all in the interval", () => {
    const consumer = eventLoopUtilization({ everyMs: 0, read: () => ({ active: 5, idle: 5 }) });
    consumer(at(0));
    expect(consumer(at(1))).toBeUndefined();
  });

  it("reads perf_hooks by default", async () => {
    const consumer = eventLoopUtilization({ everyMs: 0 });
    consumer(at(0));
    await sleep(5);
    const record = consumer(at(1));
    expect(record?.utilization).toBeGreaterThanOrEqual(0);
    expect(record?.utilization).toBeLessThanOrEqual(1);
    expect((record?.activeMs ?? 0) + (record?.idleMs ?? 0)).toBeGreaterThan(0);
  });
});
