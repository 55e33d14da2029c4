import { expect, it } from "vitest";
import { assignLanes } from "./span-lanes.js";

it("puts nested spans on one lane and overlapping ones on extra lanes of their category", () => {
  const spans = [
    { category: "io", start: 0, end: 10 },
    { category: "epoch", start: 0, end: 100 },
    { category: "epoch", start: 10, end: 20 }, // nested in the first epoch: same lane
    { category: "io", start: 5, end: 15 }, // overlaps io 0-10 without nesting: second lane
    { category: "io", start: 20, end: 30 }, // after both: back on the first lane
  ];
  const { lanes, laneOf } = assignLanes(spans);
  expect(lanes).toEqual(["epoch", "io", "io (2)"]);
  expect(laneOf).toEqual([1, 0, 0, 2, 1]);
});

it("returns no lanes for no spans", () => {
  expect(assignLanes([])).toEqual({ lanes: [], laneOf: [] });
});
