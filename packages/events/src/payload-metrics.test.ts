import { createEvent, InvalidMetadataError, MultiEventLog } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { payloadMetrics } from "./payload-metrics.js";

describe("payloadMetrics", () => {
  it("records nothing for events without a payload", () => {
    expect(payloadMetrics()(createEvent())).toBeUndefined();
  });

  it("records a JSON copy taken at the event, converting as metadata does", () => {
    const payload = { step: 3, when: new Date(Date.UTC(2025, 0, 1)), loss: Number.NaN, tags: ["a"] };
    const record = payloadMetrics()(createEvent({ payload }));
    payload.step = 4;
    payload.tags.push("b");
    expect(record).toEqual({ payload: { step: 3, when: "2025-01-01T00:00:00.000Z", loss: "NaN", tags: ["a"] } });
  });

  it("records primitive payloads too", () => {
    expect(payloadMetrics()(createEvent({ payload: "tick" }))).toEqual({ payload: "tick" });
  });

  it("throws an error naming the path when the payload cannot be JSON, which the log reports", () => {
    expect(() => payloadMetrics()(createEvent({ payload: { big: 1n } }))).toThrow(InvalidMetadataError);
    expect(() => payloadMetrics()(createEvent({ payload: { big: 1n } }))).toThrow(/event\.payload\.big is a BigInt/);
    const log = new MultiEventLog().add(payloadMetrics());
    const seen: string[] = [];
    log.issues.on((issue) => seen.push(issue.message));
    log.emit(createEvent({ sequenceNumber: 1, payload: () => 1 }));
    log.emit(createEvent({ sequenceNumber: 2, payload: 2 }));
    expect(seen).toEqual([expect.stringMatching(/"payload" failed at event 1: event\.payload is a function/)]);
    expect(log.drain()["payload"]?.map((e) => e.sequenceNumber)).toEqual([2]);
  });
});
