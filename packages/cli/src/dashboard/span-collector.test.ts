import { expect, it } from "vitest";
import type { StoredRecord } from "@dashlog/core";
import { SpanCollector } from "./span-collector.js";

const T0 = Date.UTC(2025, 9, 29, 11, 0, 0);

it("pairs default start/finish messages of the logs stream and lanes sequential spans on one lane", () => {
  const spans = new SpanCollector("logs");
  let seq = 0;
  // 20 epochs of 1.6 ms: on a millisecond clock a start can read earlier than the previous end.
  for (let epoch = 1; epoch <= 20; epoch++) {
    const start = T0 + Math.floor((epoch - 1) * 1.7);
    spans.add({ sequenceNumber: seq++, message: `start epoch ${epoch}`, level: "debug" } as StoredRecord, start);
    spans.add({ sequenceNumber: seq++, message: `finish epoch ${epoch}`, level: "debug" } as StoredRecord, start + 2);
  }
  const timeline = spans.timeline(null);
  expect(timeline.source).toBe("logs");
  expect(timeline.lanes).toEqual(["epoch"]);
  expect(timeline.spans).toHaveLength(20);
});

it("gives overlapping spans of a category a second lane, nests children, marks failures and unfinished spans", () => {
  const spans = new SpanCollector("core");
  const ev = (sequenceNumber: number, kind: string, category: string, id: string, ms: number, level = "debug") =>
    spans.add({ sequenceNumber, kind, category, id, timestamp: new Date(T0 + ms).toISOString(), level } as StoredRecord, undefined);
  ev(0, "start", "load", "a", 0);
  ev(1, "start", "load", "b", 5);
  ev(2, "finish", "load", "a", 10);
  ev(3, "finish", "load", "b", 15, "error");
  ev(4, "start", "epoch", "1", 20);
  ev(5, "start", "epoch", "inner", 21);
  ev(6, "finish", "epoch", "inner", 22);
  const timeline = spans.timeline(T0 + 30);
  expect(timeline.lanes).toEqual(["load", "load (2)", "epoch"]);
  const byId = Object.fromEntries(timeline.spans.map((s) => [s.id, s]));
  expect(byId["b"]?.lane).toBe(1);
  expect(byId["b"]?.failed).toBe(true);
  expect(byId["inner"]?.lane).toBe(2);
  expect(byId["1"]).toMatchObject({ unfinished: true, end: T0 + 30, lane: 2 });
});

it("reads spanDurations records and orders lanes by sequence numbers, not wall-clock starts", () => {
  const spans = new SpanCollector("spans");
  // Wall-clock starts truncated to the millisecond overlap the previous span's precise end; sequence numbers do not.
  for (let i = 0; i < 5; i++) {
    spans.add({ sequenceNumber: 2 * i + 1, startSequenceNumber: 2 * i, category: "epoch", id: i, start: new Date(T0 + Math.floor(i * 1.6)).toISOString(), durationMs: 1.6 } as StoredRecord, undefined);
  }
  expect(spans.timeline(null).lanes).toEqual(["epoch"]);
});

it("pairs a joined run's spans within each worker (every rank has an `epoch 1`) and lanes them per worker", () => {
  const spans = new SpanCollector("logs");
  let seq = 0;
  const log = (worker: string, message: string, ms: number) => spans.add({ sequenceNumber: seq++, message, level: "debug", worker } as StoredRecord, T0 + ms);
  // Both ranks run epoch 1 at the same time; rank 1 finishes later.
  log("0", "start epoch 1", 0);
  log("1", "start epoch 1", 1);
  log("0", "finish epoch 1", 10);
  log("1", "start load 7", 12);
  log("1", "finish epoch 1", 30);
  const timeline = spans.timeline(T0 + 40);
  expect(timeline.lanes).toEqual(["0 · epoch", "1 · epoch", "1 · load"]);
  expect(timeline.laneWorkers).toEqual(["0", "1", "1"]);
  const byWorker = Object.fromEntries(timeline.spans.filter((s) => s.category === "epoch").map((s) => [s.worker, [s.lane, s.durationMs, s.unfinished]]));
  expect(byWorker).toEqual({ "0": [0, 10, false], "1": [1, 29, false] });
  // Rank 1's load never finished: drawn up to the last record, on its own lane.
  expect(timeline.spans.find((s) => s.category === "load")).toMatchObject({ worker: "1", lane: 2, unfinished: true, end: T0 + 40 });
});
