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

it("gives every worker of a joined run its own lanes, grouped and in worker order, packed as before inside each", () => {
  const spans = [
    { category: "epoch", start: 0, end: 100, worker: "10" },
    { category: "epoch", start: 0, end: 100, worker: "2" },
    { category: "io", start: 5, end: 15, worker: "2" },
    { category: "io", start: 10, end: 20, worker: "2" }, // overlaps worker 2's io without nesting: its second io lane
    { category: "io", start: 10, end: 20, worker: "10" }, // same time on another worker: that worker's own first lane
    { category: "epoch", start: 100, end: 200, worker: "2" }, // after its first epoch: same lane
    { category: "setup", start: 0, end: 1 }, // no worker (a run of its own on the prefix): first, named as before
  ];
  const { lanes, laneOf, laneWorkers } = assignLanes(spans);
  expect(lanes).toEqual(["setup", "2 · epoch", "2 · io", "2 · io (2)", "10 · epoch", "10 · io"]);
  expect(laneWorkers).toEqual([null, "2", "2", "2", "10", "10"]);
  expect(laneOf).toEqual([4, 1, 2, 3, 5, 1, 0]);
});

it("names no lane after a worker when no span has one", () => {
  expect(assignLanes([{ category: "io", start: 0, end: 1 }])).toEqual({ lanes: ["io"], laneOf: [0] });
});
