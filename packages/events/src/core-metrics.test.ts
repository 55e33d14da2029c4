import { createEvent, InvalidArgumentError, MultiEventLog, toStoredRecord } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { coreMetrics } from "./core-metrics.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);

describe("coreMetrics", () => {
  it("records timestamp (ISO), category and kind, with no id key on point events", () => {
    const record = coreMetrics()(createEvent({ timestamp: T + 5, category: "eval", sequenceNumber: 3 }));
    expect(record).toStrictEqual({ timestamp: "2025-10-29T10:30:00.005Z", category: "eval", kind: "point", sequenceNumber: 3 });
  });

  it("leaves plain log events out by default: the logs record of the same number says all of it", () => {
    const consumer = coreMetrics();
    expect(consumer(createEvent({ category: "log", kind: "point", sequenceNumber: 1 }))).toBeUndefined();
    // A log-category event that is a span, or has an id, is not a plain log event.
    expect(consumer(createEvent({ category: "log", kind: "start", id: 1 }))).toMatchObject({ category: "log", kind: "start", id: 1 });
    expect(consumer(createEvent({ category: "log", kind: "point", id: "x" }))).toMatchObject({ category: "log", kind: "point", id: "x" });
  });

  it("records every event, plain log events too, with dense: true", () => {
    const record = coreMetrics({ dense: true })(createEvent({ timestamp: T + 5, category: "log", sequenceNumber: 3 }));
    expect(record).toStrictEqual({ timestamp: "2025-10-29T10:30:00.005Z", category: "log", kind: "point", sequenceNumber: 3 });
    expect(coreMetrics({ dense: false })(createEvent({ category: "log" }))).toBeUndefined();
  });

  it("keeps dense in the copies runs make with fresh()", () => {
    const fresh = coreMetrics({ dense: true }).fresh?.();
    expect(fresh?.(createEvent({ category: "log" }))).toMatchObject({ category: "log", kind: "point" });
    expect(coreMetrics().fresh?.()(createEvent({ category: "log" }))).toBeUndefined();
  });

  it("refuses options that are not an object or a dense that is not a boolean, naming the field", () => {
    expect(() => coreMetrics({ dense: "yes" as never })).toThrow(InvalidArgumentError);
    expect(() => coreMetrics({ dense: "yes" as never })).toThrow(/coreMetrics option dense/);
    expect(() => coreMetrics(5 as never)).toThrow(/coreMetrics options/);
  });

  it("adds the id of span events, including id 0", () => {
    const consumer = coreMetrics();
    expect(consumer(createEvent({ category: "epoch", kind: "start", id: 0 }))).toMatchObject({ kind: "start", id: 0 });
    expect(consumer(createEvent({ category: "io", kind: "finish", id: "read-1" }))).toMatchObject({ category: "io", id: "read-1" });
  });

  it("never answers with a stale timestamp when the millisecond changes back and forth", () => {
    const consumer = coreMetrics();
    const stamps = [T, T, T + 1, T].map((timestamp) => consumer(createEvent({ timestamp, category: "eval" }))?.timestamp);
    expect(stamps).toEqual([
      "2025-10-29T10:30:00.000Z",
      "2025-10-29T10:30:00.000Z",
      "2025-10-29T10:30:00.001Z",
      "2025-10-29T10:30:00.000Z",
    ]);
  });

  it("is added to a log as the `core` stream", () => {
    const log = new MultiEventLog().add(coreMetrics());
    log.emit(createEvent({ sequenceNumber: 6 }));
    log.emit(createEvent({ sequenceNumber: 7, category: "epoch", kind: "start", id: 1 }));
    expect(log.drain()["core"]).toEqual([
      { sequenceNumber: 7, timestamp: T, value: { timestamp: "2025-10-29T10:30:00.000Z", category: "epoch", kind: "start", id: 1, sequenceNumber: 7 } },
    ]);
  });

  it("is stored as its own value, with sequenceNumber last, without a copy", () => {
    const value = coreMetrics()(createEvent({ sequenceNumber: 9, category: "io", kind: "start", id: 2 }));
    const entry = { sequenceNumber: 9, timestamp: T, value };
    expect(toStoredRecord(entry)).toBe(value);
    expect(Object.keys(value ?? {})).toEqual(["timestamp", "category", "kind", "id", "sequenceNumber"]);
  });
});
