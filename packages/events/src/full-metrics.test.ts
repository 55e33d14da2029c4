import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { fullMetrics } from "./full-metrics.js";

describe("fullMetrics", () => {
  it("records every field of the event as JSON", () => {
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
    expect(fullMetrics()(event)).toStrictEqual({
      timestamp: "2025-10-29T10:30:00.000Z",
      monotonic: 12.5,
      category: "epoch",
      kind: "finish",
      id: 3,
      level: "warn",
      message: "done",
      metadata: { loss: 0.1 },
      payload: { at: "1970-01-01T00:00:00.000Z" },
    });
  });

  it("leaves out what is absent: no id key, no payload key", () => {
    const record = fullMetrics()(createEvent());
    expect(record).not.toHaveProperty("id");
    expect(record).not.toHaveProperty("payload");
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it("keeps the rest of the event when the payload cannot be JSON, and says why", () => {
    const payload: Record<string, unknown> = {};
    payload["self"] = payload;
    const record = fullMetrics()(createEvent({ message: "cyclic", payload }));
    expect(record).toMatchObject({ message: "cyclic", payloadError: expect.stringMatching(/event\.payload\.self is a circular reference/) });
    expect(record).not.toHaveProperty("payload");
  });
});
