import type { MetricInfo, MetricPoint } from "@dashlog/core";
import { expect, it } from "vitest";
import { MetricCursor } from "./metric-cursor.js";

const point = (index: number, worker?: string): MetricPoint => ({ index, data: { loss: index }, createdAt: null, ...(worker === undefined ? {} : { worker }) });
const info = (totalDataPoints: number, nextIndex: number): MetricInfo => ({ name: "train", totalDataPoints, nextIndex, createdAt: null, updatedAt: null });

it("goes on from the highest index of a run of its own, taking every point as read (as before joined runs)", () => {
  const cursor = new MetricCursor();
  expect(cursor.hasNew(info(0, 0))).toBe(false);
  expect(cursor.hasNew(info(3, 3))).toBe(true);
  // ml-dash's files may repeat an index: a run of its own takes what the reader yields.
  expect([0, 1, 1, 2].map((i) => cursor.take(point(i)))).toEqual([true, true, true, true]);
  expect(cursor.fromIndex()).toBe(3);
  expect(cursor.hasNew(info(4, 3))).toBe(false);
  expect(cursor.missedBelow(info(4, 3), 3)).toBeUndefined();
});

it("keeps an index per worker of a joined run: reads from the lowest, drops what it has", () => {
  const cursor = new MetricCursor();
  // Appended as the workers wrote: worker 1 ahead of worker 0.
  for (const p of [point(0, "1"), point(1, "1"), point(0, "0"), point(2, "1")]) expect(cursor.take(p)).toBe(true);
  expect(cursor.fromIndex()).toBe(1);
  expect(cursor.taken).toBe(4);
  // The next read from 1 yields worker 1's index 1 and 2 again: dropped; worker 0's index 1 is new.
  expect([point(1, "1"), point(1, "0"), point(2, "1"), point(3, "1")].map((p) => cursor.take(p))).toEqual([false, true, false, true]);
  expect(cursor.fromIndex()).toBe(2);
  expect(cursor.hasNew(info(6, 4))).toBe(false);
  // Two points stored with indices below the highest: the count says so.
  expect(cursor.hasNew(info(8, 4))).toBe(true);
});

it("reads again below the lowest index once when a worker joined later than the others read", () => {
  const cursor = new MetricCursor();
  for (let i = 0; i < 5; i++) cursor.take(point(i, "0"));
  // Worker 1 joins and logs its index 0 and 1; a read from 5 cannot yield them.
  const listing = info(7, 5);
  expect(cursor.hasNew(listing)).toBe(true);
  expect(cursor.missedBelow(listing, cursor.fromIndex())).toEqual({ fromIndex: 0, toIndex: 4 });
  // The second read of 0..4 yields worker 0's points again (dropped) and worker 1's (taken).
  const taken = [0, 1, 2, 3, 4].map((i) => cursor.take(point(i, "0"), true)).concat([0, 1].map((i) => cursor.take(point(i, "1"), true)));
  expect(taken).toEqual([false, false, false, false, false, true, true]);
  expect(cursor.fromIndex()).toBe(2);
  expect(cursor.missedBelow(listing, 2)).toBeUndefined();
});

it("does not read the same listing again when a stated point never reads (a torn line)", () => {
  const cursor = new MetricCursor();
  cursor.take(point(0, "0"));
  cursor.take(point(0, "1"));
  const listing = info(3, 1);
  expect(cursor.hasNew(listing)).toBe(true);
  expect(cursor.missedBelow(listing, 1)).toEqual({ fromIndex: 0, toIndex: 0 });
  // Read for once, nothing came: the same count is no reason to read again; a new one is.
  expect(cursor.hasNew(listing)).toBe(false);
  expect(cursor.hasNew(info(4, 1))).toBe(true);
});
