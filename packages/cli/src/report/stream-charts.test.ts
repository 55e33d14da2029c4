import { expect, it } from "vitest";
import type { StoredRecord } from "@dashlog/core";
import { StreamCharts } from "./stream-charts.js";

it("draws the gc stream as two charts, milliseconds apart from counts", () => {
  const gc = new StreamCharts("gc");
  for (let i = 0; i < 5; i++) gc.add({ sequenceNumber: i, count: i, major: i % 2, pauseMs: i * 1.5, maxPauseMs: i, intervalMs: 1000 } as StoredRecord, 1000 * i);
  const charts = gc.charts();
  expect(charts.map((c) => [c.id, c.title, c.unit, c.series.map((s) => s.name)])).toEqual([
    ["stream-gc-ms", "GC pauses", "ms", ["pause", "longest pause"]],
    ["stream-gc-count", "GC collections", "count", ["collections", "major"]],
  ]);
});

it("splits an unknown stream's fields by unit and skips sample descriptions", () => {
  const s = new StreamCharts("queue");
  for (let i = 0; i < 3; i++) s.add({ sequenceNumber: i, depth: i, waitMs: i * 2, intervalMs: 10 } as StoredRecord, i);
  expect(s.charts().map((c) => [c.title, c.unit, c.series.map((x) => x.name)])).toEqual([
    ["queue (number)", "number", ["depth"]],
    ["queue (ms)", "ms", ["waitMs"]],
  ]);
});

it("draws each worker of a joined run as its own curves", () => {
  const memory = new StreamCharts("memory");
  for (let i = 0; i < 3; i++) {
    for (const worker of ["1", "0"]) memory.add({ sequenceNumber: i, rss: 100 * Number(worker) + i, heapUsed: 5, heapTotal: 9, worker } as StoredRecord, 1000 * i);
  }
  const [chart] = memory.charts();
  expect(chart?.series.map((s) => s.name)).toEqual(["rss · 0", "rss · 1", "heapTotal · 0", "heapTotal · 1", "heapUsed · 0", "heapUsed · 1"]);
  expect(chart?.series[1]?.points).toEqual([[0, 100], [1000, 101], [2000, 102]]);
});
