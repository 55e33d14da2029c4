import { createEvent } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { idMetrics } from "./id-metrics.js";

describe("idMetrics", () => {
  it("records the id of span events and nothing for log events", () => {
    const consumer = idMetrics();
    expect(consumer.streamName).toBe("ids");
    expect(consumer(createEvent())).toBeUndefined();
    expect(consumer(createEvent({ kind: "start", id: 0 }))).toEqual({ id: 0 });
    expect(consumer(createEvent({ kind: "finish", id: "a" }))).toEqual({ id: "a" });
  });
});
