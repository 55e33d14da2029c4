import { InvalidArgumentError } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { fillGaps, gaugeAt } from "./fill-gaps.js";

const memory = [
  { rss: 10, sequenceNumber: 2 },
  { rss: 30, sequenceNumber: 5 },
];

describe("gaugeAt", () => {
  it("answers the latest record at or before each event, undefined before the first", () => {
    const at = gaugeAt([...memory].reverse());
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => at(n)?.rss)).toEqual([undefined, undefined, 10, 10, 10, 30, 30]);
  });

  it("answers undefined for an empty stream and rejects a record without a sequence number", () => {
    expect(gaugeAt([])(3)).toBeUndefined();
    expect(() => gaugeAt([{ sequenceNumber: "1" } as unknown as { sequenceNumber: number }])).toThrow(
      new InvalidArgumentError("records[0].sequenceNumber", "1", "must be a finite number"),
    );
  });
});

describe("fillGaps", () => {
  it("yields one record per event from the first sample on, renumbered, with where it was sampled", () => {
    expect([...fillGaps(memory, [0, 1, 2, 3, 5, 6])]).toEqual([
      { rss: 10, sequenceNumber: 2, sampledAt: 2 },
      { rss: 10, sequenceNumber: 3, sampledAt: 2 },
      { rss: 30, sequenceNumber: 5, sampledAt: 5 },
      { rss: 30, sequenceNumber: 6, sampledAt: 5 },
    ]);
  });

  it("skips samples between the events asked for and keeps the latest", () => {
    const samples = [1, 2, 3, 8].map((n) => ({ v: n, sequenceNumber: n }));
    expect([...fillGaps(samples, [4, 9])].map((r) => [r.sequenceNumber, r.v])).toEqual([
      [4, 3],
      [9, 8],
    ]);
  });

  it("rejects records out of order instead of filling from the wrong sample", () => {
    const shuffled = [
      { v: 1, sequenceNumber: 5 },
      { v: 2, sequenceNumber: 3 },
    ];
    expect(() => [...fillGaps(shuffled, [6])]).toThrow(/records\[1\]\.sequenceNumber must not be below the one before it, got 3/);
  });
});
