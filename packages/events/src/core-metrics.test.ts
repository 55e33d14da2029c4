import { createEvent, MultiEventLog, toStoredRecord } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { coreMetrics } from "./core-metrics.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);

describe("coreMetrics", () => {
  it("records timestamp (ISO), category and kind, with no id key on log events", () => {
    const record = coreMetrics()(createEvent({ timestamp: T + 5, category: "log", sequenceNumber: 3 }));
    expect(record).toStrictEqual({ timestamp: "2025-10-29T10:30:00.005Z", category: "log", kind: "point", sequenceNumber: 3 });
  });

  it("adds the id of span events, including id 0", () => {
    const consumer = coreMetrics();
    expect(consumer(createEvent({ category: "epoch", kind: "start", id: 0 }))).toMatchObject({ kind: "start", id: 0 });
    expect(consumer(createEvent({ category: "io", kind: "finish", id: "read-1" }))).toMatchObject({ category: "io", id: "read-1" });
  });

  it("never answers with a stale timestamp when the millisecond changes back and forth", () => {
    const consumer = coreMetrics();
    const stamps = [T, T, T + 1, T].map((timestamp) => consumer(createEvent({ timestamp }))?.timestamp);
    expect(stamps).toEqual([
      "2025-10-29T10:30:00.000Z",
      "2025-10-29T10:30:00.000Z",
      "2025-10-29T10:30:00.001Z",
      "2025-10-29T10:30:00.000Z",
    ]);
  });

  it("is added to a log as the `core` stream", () => {
    const log = new MultiEventLog().add(coreMetrics());
    log.emit(createEvent({ sequenceNumber: 7 }));
    expect(log.drain()["core"]).toEqual([
      { sequenceNumber: 7, timestamp: T, value: { timestamp: "2025-10-29T10:30:00.000Z", category: "log", kind: "point", sequenceNumber: 7 } },
    ]);
  });

  it("is stored as its own value, with sequenceNumber last, without a copy", () => {
    const value = coreMetrics()(createEvent({ sequenceNumber: 9, category: "io", kind: "start", id: 2 }));
    const entry = { sequenceNumber: 9, timestamp: T, value };
    expect(toStoredRecord(entry)).toBe(value);
    expect(Object.keys(value ?? {})).toEqual(["timestamp", "category", "kind", "id", "sequenceNumber"]);
  });
});
