import { expect, it } from "vitest";
import { downsample } from "./downsample.js";

it("leaves short series alone", () => {
  const points = [[0, 1], [1, 2]] as const;
  expect(downsample(points, 10)).toEqual(points);
});

it("keeps the first and last point and every spike, in x order, within the budget", () => {
  const points: [number, number][] = Array.from({ length: 10_000 }, (_, i) => [i, Math.sin(i / 100)]);
  points[4321] = [4321, 50];
  points[7000] = [7000, -50];
  const out = downsample(points, 500);
  expect(out.length).toBeLessThanOrEqual(500);
  expect(out[0]).toEqual([0, 0]);
  expect(out.at(-1)).toEqual(points.at(-1));
  expect(out).toContainEqual([4321, 50]);
  expect(out).toContainEqual([7000, -50]);
  for (let i = 1; i < out.length; i++) expect((out[i] as [number, number])[0]).toBeGreaterThan((out[i - 1] as [number, number])[0]);
});
