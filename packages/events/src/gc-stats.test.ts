import { createEvent } from "@dashlog/core";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { gcStats, type GcSource } from "./gc-stats.js";

const at = (monotonic: number) => createEvent({ monotonic });

function fakeSource() {
  const state = { started: 0, stopped: 0, emit: (_pauseMs: number, _major: boolean): void => undefined };
  const source: GcSource = (onGc) => {
    state.started++;
    state.emit = onGc;
    return () => void state.stopped++;
  };
  return { state, source };
}

describe("gcStats", () => {
  it("starts watching on the first event, not when built", () => {
    const { state, source } = fakeSource();
    const consumer = gcStats({ source });
    expect(state.started).toBe(0);
    expect(consumer(at(0))).toBeUndefined();
    expect(state.started).toBe(1);
  });

  it("records count, major count and pause time since the previous sample", () => {
    const { state, source } = fakeSource();
    const consumer = gcStats({ everyMs: 1000, source });
    expect(consumer.streamName).toBe("gc");
    consumer(at(0));
    state.emit(1.5, false);
    state.emit(4, true);
    expect(consumer(at(500))).toBeUndefined();
    state.emit(0.5, false);
    expect(consumer(at(1000))).toEqual({ count: 3, major: 1, pauseMs: 6, maxPauseMs: 4, intervalMs: 1000 });
    expect(consumer(at(2000))).toEqual({ count: 0, major: 0, pauseMs: 0, maxPauseMs: 0, intervalMs: 1000 });
  });

  it("close() stops watching, and later events do not restart it", () => {
    const { state, source } = fakeSource();
    const consumer = gcStats({ everyMs: 0, source });
    consumer(at(0));
    consumer.close?.();
    expect(state.stopped).toBe(1);
    expect(consumer(at(1))).toBeUndefined();
    expect(state.started).toBe(1);
  });

  it("sees real collections through a PerformanceObserver", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const consumer = gcStats({ everyMs: 0 });
    consumer(at(0));
    gc();
    let count = 0;
    // GC entries arrive asynchronously: wait (bounded) until one was delivered.
    for (let i = 1; i <= 50 && count === 0; i++) {
      await sleep(5);
      const record = consumer(at(i));
      count += record?.count ?? 0;
      if (record !== undefined && record.count > 0) {
        expect(record.major).toBeGreaterThanOrEqual(1);
        expect(record.pauseMs).toBeGreaterThan(0);
      }
    }
    consumer.close?.();
    expect(count).toBeGreaterThanOrEqual(1);
  });
});
