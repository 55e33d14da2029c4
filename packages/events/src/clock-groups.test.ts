import { describe, expect, it } from "vitest";
import { alignClocks } from "./clock-groups.js";

describe("alignClocks", () => {
  it("gives the spans of one process one offset, the largest of its floored offsets", () => {
    const origin = 1_000_000.7;
    const pairs = [0.2, 5.9, 3.5].map((monotonicMs) => ({ monotonicMs, wallMs: Math.floor(origin + monotonicMs) }));
    // Floored offsets: 999,999.8, 1,000,000.1 and 1,000,000.5; the largest (pair 2) is within 0.2 ms of the origin.
    expect(alignClocks(pairs)).toEqual({ anchors: [2, 2, 2], groups: 1 });
  });

  it("separates processes whose time origins are far apart", () => {
    const pairs = [
      { wallMs: 1000, monotonicMs: 10 },
      { wallMs: 61_000, monotonicMs: 12 },
      { wallMs: 1005, monotonicMs: 15 },
    ];
    // Offsets 990, 60,988 and 990: pair 0 and 2 tie, and either is the anchor of the first group.
    const { anchors, groups } = alignClocks(pairs);
    expect(groups).toBe(2);
    expect(anchors[1]).toBe(1);
    expect(anchors[0]).toBe(anchors[2]);
    expect([0, 2]).toContain(anchors[0]);
  });

  it("handles no spans", () => {
    expect(alignClocks([])).toEqual({ anchors: [], groups: 0 });
  });
});
