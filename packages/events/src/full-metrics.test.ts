import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { fullMetrics } from "./full-metrics.js";

describe("fullMetrics", () => {
  it("records what the logs record lacks by default: the log fields join on sequenceNumber", () => {
    const point = createEvent({ monotonic: 3.25, level: "warn", message: "m", metadata: { a: 1 }, payload: [1] });
    expect(fullMetrics()(point)).toStrictEqual({ monotonic: 3.25, category: "log", kind: "point", payload: [1], sequenceNumber: 0 });
    // Span events keep their timestamp, so spansFromEvents can pair full records alone.
    const start = createEvent({ monotonic: 4, category: "epoch", kind: "start", id: 1, message: "start epoch 1" });
    expect(fullMetrics()(start)).toStrictEqual({ timestamp: "2025-10-29T10:30:00.000Z", monotonic: 4, category: "epoch", kind: "start", id: 1, sequenceNumber: 0 });
  });

  it("leaves out plain log events without a payload by default, and keeps them when dense or standalone", () => {
    const plain = createEvent({ monotonic: 2, message: "epoch 3 done" });
    expect(fullMetrics()(plain)).toBeUndefined();
    expect(fullMetrics({ dense: true })(plain)).toStrictEqual({ monotonic: 2, category: "log", kind: "point", sequenceNumber: 0 });
    expect(fullMetrics({ standalone: true })(plain)).toMatchObject({ message: "epoch 3 done", monotonic: 2 });
    // Any other event keeps its entry: another category, a span event, a payload.
    expect(fullMetrics()(createEvent({ monotonic: 2, category: "io" }))).toMatchObject({ category: "io", kind: "point" });
    expect(fullMetrics()(createEvent({ monotonic: 2, kind: "start", id: 7 }))).toMatchObject({ kind: "start", id: 7 });
    expect(fullMetrics()(createEvent({ monotonic: 2, payload: 0 }))).toMatchObject({ payload: 0 });
    expect(fullMetrics({ dense: true }).fresh?.()(plain)).toMatchObject({ monotonic: 2 });
  });

  it("rejects a bad dense option", () => {
    expect(() => fullMetrics({ dense: "yes" as unknown as boolean })).toThrow(/fullMetrics option dense must be true or false, got "yes"/);
  });

  it("keeps monotonic to the microsecond", () => {
    expect(fullMetrics({ dense: true })(createEvent({ monotonic: 1234.567891234 }))?.monotonic).toBe(1234.568);
  });

  it("rejects a bad standalone option", () => {
    expect(() => fullMetrics({ standalone: 1 as unknown as boolean })).toThrow(/fullMetrics option standalone must be true or false, got 1/);
  });

  it("records every field of the event as JSON when standalone", () => {
    const event = createEvent({
      monotonic: 12.5,
      category: "epoch",
      kind: "finish",
      id: 3,
      level: "warn",
      message: "done",
      metadata: { loss: 0.1 },
      payload: { at: new Date(0) },
    });
    expect(fullMetrics({ standalone: true })(event)).toStrictEqual({
      timestamp: "2025-10-29T10:30:00.000Z",
      monotonic: 12.5,
      category: "epoch",
      kind: "finish",
      id: 3,
      level: "warn",
      message: "done",
      metadata: { loss: 0.1 },
      payload: { at: "1970-01-01T00:00:00.000Z" },
      sequenceNumber: 0,
    });
  });

  it("leaves out what is absent: no id key, no payload key", () => {
    const record = fullMetrics({ standalone: true })(createEvent());
    expect(record).not.toHaveProperty("id");
    expect(record).not.toHaveProperty("payload");
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it("keeps the rest of the event when the payload cannot be JSON, and says why", () => {
    const payload: Record<string, unknown> = {};
    payload["self"] = payload;
    const record = fullMetrics({ standalone: true })(createEvent({ message: "cyclic", payload }));
    expect(record).toMatchObject({ message: "cyclic", payloadError: expect.stringMatching(/event\.payload\.self is a circular reference/) });
    expect(record).not.toHaveProperty("payload");
  });
});
