import { expect, it } from "vitest";
import { MinMaxBuckets } from "./min-max-buckets.js";

it("keeps every point while they fit, in x order", () => {
  const b = new MinMaxBuckets(8);
  for (const [x, y] of [[0, 1], [1, 5], [2, 3]] as const) b.add(x, y);
  expect(b.points()).toEqual([[0, 1], [1, 5], [2, 3]]);
  expect(b.count).toBe(3);
});

it("stays within two points a bucket however many arrive, and keeps a one-sample spike", () => {
  const b = new MinMaxBuckets(64);
  for (let i = 0; i < 1_000_000; i++) b.add(i, i === 654_321 ? 1e9 : Math.sin(i / 1000));
  const points = b.points();
  expect(points.length).toBeLessThanOrEqual(128);
  expect(points.some(([x, y]) => x === 654_321 && y === 1e9)).toBe(true);
  expect(Math.min(...points.map((p) => p[1]))).toBeCloseTo(-1, 3);
  expect(points.map((p) => p[0])).toEqual([...points.map((p) => p[0])].sort((a, c) => a - c));
  expect(b.count).toBe(1_000_000);
});

it("skips non-finite values and refuses a capacity below two", () => {
  const b = new MinMaxBuckets(4);
  b.add(0, Number.NaN);
  b.add(Number.POSITIVE_INFINITY, 1);
  expect(b.points()).toEqual([]);
  expect(() => new MinMaxBuckets(1)).toThrow("capacity must be an integer of at least 2, got 1");
});

it("remembers where each bucket's records are, through merges, for a zoom to read them again", () => {
  const b = new MinMaxBuckets(8);
  // x = 10 * position: the records of x 200..300 are at positions 20..30.
  for (let i = 0; i < 100; i++) b.add(i * 10, Math.sin(i), i, i + 1);
  const r = b.positionsIn(200, 300);
  expect(r).toBeDefined();
  // Whole buckets are returned (each covers 16 records after merging): never less than the range.
  expect(r!.start).toBeLessThanOrEqual(20);
  expect(r!.end).toBeGreaterThanOrEqual(31);
  expect(r!.end - r!.start).toBeLessThan(60);
  expect(new MinMaxBuckets(8).positionsIn(0, 1)).toBeUndefined();
  const noPositions = new MinMaxBuckets(8);
  noPositions.add(1, 1);
  expect(noPositions.positionsIn(0, 2)).toBeUndefined();
});

it("buckets one fixed range at full resolution, leaving out points outside it", () => {
  const b = MinMaxBuckets.within(100, 200, 100);
  for (let x = 0; x < 300; x++) b.add(x, x % 7);
  const points = b.points();
  expect(points.length).toBe(101);
  expect(points.every(([x]) => x >= 100 && x <= 200)).toBe(true);
  expect(() => MinMaxBuckets.within(5, 5)).toThrow("a bucket range must go from a number up to a larger one, got 5 to 5");
});
