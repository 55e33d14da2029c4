import { createEvent, type EventKind, type SpanId } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { spanDurations } from "./span-durations.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);
const span = (kind: EventKind, category: string, id: SpanId, monotonic: number, sequenceNumber = 0) =>
  createEvent({ kind, category, id, monotonic, sequenceNumber, timestamp: T + Math.floor(monotonic) });

describe("spanDurations", () => {
  it("records the duration at the finish, from the monotonic clock", () => {
    const consumer = spanDurations();
    expect(consumer.streamName).toBe("spans");
    expect(consumer(span("start", "epoch", 1, 10.25, 4))).toBeUndefined();
    expect(consumer(createEvent({ monotonic: 20 }))).toBeUndefined();
    expect(consumer(span("finish", "epoch", 1, 35.75, 9))).toEqual({
      category: "epoch",
      id: 1,
      start: "2025-10-29T10:30:00.010Z",
      startMonotonic: 10.25,
      durationMs: 25.5,
      startSequenceNumber: 4,
    });
    expect(consumer.openSpans).toBe(0);
  });

  it("yields nothing for a finish without a start (or a second finish)", () => {
    const consumer = spanDurations();
    expect(consumer(span("finish", "io", 1, 5))).toBeUndefined();
    consumer(span("start", "io", 2, 5));
    expect(consumer(span("finish", "io", 2, 6))).toBeDefined();
    expect(consumer(span("finish", "io", 2, 7))).toBeUndefined();
  });

  it("keeps ids 1 and \"1\", and equal ids of different categories, apart", () => {
    const consumer = spanDurations();
    consumer(span("start", "io", 1, 0));
    consumer(span("start", "io", "1", 10));
    consumer(span("start", "gpu", 1, 20));
    expect(consumer(span("finish", "io", "1", 15))?.durationMs).toBe(5);
    expect(consumer(span("finish", "io", 1, 30))?.durationMs).toBe(30);
    expect(consumer(span("finish", "gpu", 1, 30))?.durationMs).toBe(10);
  });

  it("measures a span started twice from the later start", () => {
    const consumer = spanDurations();
    consumer(span("start", "io", 1, 0, 1));
    consumer(span("start", "io", 1, 10, 2));
    expect(consumer(span("finish", "io", 1, 15))).toMatchObject({ durationMs: 5, startSequenceNumber: 2 });
  });

  it("forgets the oldest start beyond maxOpenSpans, and counts it", () => {
    const consumer = spanDurations({ maxOpenSpans: 2 });
    consumer(span("start", "io", 1, 0));
    consumer(span("start", "io", 2, 1));
    consumer(span("start", "io", 3, 2));
    expect(consumer.forgotten).toBe(1);
    expect(consumer.openSpans).toBe(2);
    expect(consumer(span("finish", "io", 1, 5))).toBeUndefined();
    expect(consumer(span("finish", "io", 2, 5))?.durationMs).toBe(4);
  });

  it("lists unfinished spans oldest first, and fresh() forgets them", () => {
    const consumer = spanDurations();
    consumer(span("start", "epoch", 1, 0, 0));
    consumer(span("start", "io", "r", 3, 1));
    expect(consumer.unfinished()).toEqual([
      { category: "epoch", id: 1, start: "2025-10-29T10:30:00.000Z", startMonotonic: 0, startSequenceNumber: 0 },
      { category: "io", id: "r", start: "2025-10-29T10:30:00.003Z", startMonotonic: 3, startSequenceNumber: 1 },
    ]);
    expect(consumer.fresh().unfinished()).toEqual([]);
  });

  it("rejects a bad maxOpenSpans", () => {
    expect(() => spanDurations({ maxOpenSpans: 0 })).toThrow(/spanDurations option maxOpenSpans must be a positive integer or Infinity, got 0/);
  });
});
