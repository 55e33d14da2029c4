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
