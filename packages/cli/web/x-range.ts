import type uPlot from "uplot";

/** The x scale's current bounds (NaN before the first draw). */
export function xRange(u: uPlot): [number, number] {
  const scale = u.scales["x"];
  return [scale?.min ?? Number.NaN, scale?.max ?? Number.NaN];
}
