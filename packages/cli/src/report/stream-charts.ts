import type { StoredRecord } from "@dashlog/core";
import { downsample } from "./downsample.js";
import type { ReportChart } from "./report-data.js";

/** Charts of well-known streams come first, in this order; the rest follow by name. */
export const STREAM_CHART_ORDER = ["Memory", "CPU", "Event-loop delay", "Heap in use"];

/** Fields that describe a sample rather than measure something. */
const NOT_PLOTTED = new Set(["sequenceNumber", "timestamp", "monotonic", "intervalMs", "samples", "startMonotonic", "startSequenceNumber"]);

/** Points per series in the page; plenty for a chart a few hundred pixels wide. */
export const MAX_POINTS = 2_000;

interface Shape {
  readonly title: string;
  readonly unit: ReportChart["unit"];
  /** Series name and how to compute its value from a record; undefined skips the record. */
  readonly series: readonly { readonly name: string; readonly value: (r: StoredRecord) => number | undefined }[];
}

const num = (r: StoredRecord, key: string): number | undefined => {
  const v = r[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};

/** Known consumers of @dashlog/events get meaningful series; anything else plots its numeric fields. */
function shapeOf(stream: string, sample: StoredRecord): Shape | undefined {
  const has = (...keys: string[]) => keys.every((k) => typeof sample[k] === "number");
  if (has("rss", "heapUsed", "heapTotal")) {
    return {
      title: "Memory",
      unit: "bytes",
      series: ["rss", "heapTotal", "heapUsed", "external"].filter((k) => has(k)).map((k) => ({ name: k, value: (r) => num(r, k) })),
    };
  }
  if (has("userUs", "systemUs", "intervalMs")) {
    const percent = (keys: string[]) => (r: StoredRecord) => {
      const interval = num(r, "intervalMs");
      if (interval === undefined || interval <= 0) return undefined;
      let us = 0;
      for (const k of keys) us += num(r, k) ?? 0;
      return (us / 1000 / interval) * 100;
    };
    return {
      title: "CPU",
      unit: "percent",
      series: [
        { name: "total", value: percent(["userUs", "systemUs"]) },
        { name: "user", value: percent(["userUs"]) },
        { name: "system", value: percent(["systemUs"]) },
      ],
    };
  }
  if (has("p50Ms", "p99Ms", "maxMs")) {
    return {
      title: "Event-loop delay",
      unit: "ms",
      series: ["p50Ms", "meanMs", "p99Ms", "maxMs"].filter((k) => has(k)).map((k) => ({ name: k.replace(/Ms$/, ""), value: (r) => num(r, k) })),
    };
  }
  const keys = Object.keys(sample).filter((k) => !NOT_PLOTTED.has(k) && typeof sample[k] === "number");
  if (keys.length === 0) return undefined;
  const bytes = keys.length === 1 && /heap|bytes|memory|rss/i.test(keys[0] as string);
  return {
    title: stream === "bytes" && keys[0] === "heapUsed" ? "Heap in use" : stream,
    unit: bytes ? "bytes" : keys.every((k) => /Ms$/.test(k)) ? "ms" : "number",
    series: keys.slice(0, 8).map((k) => ({ name: k, value: (r) => num(r, k) })),
  };
}

/**
 * A line chart of one stream over time, or undefined when it has nothing numeric to plot.
 * Records carry no time of their own; `timeOf` gives the time of their sequence number
 * (from the `logs` stream, which has one record per event).
 */
export async function streamChart(
  stream: string,
  records: AsyncIterable<StoredRecord>,
  timeOf: (record: StoredRecord) => number | undefined,
): Promise<ReportChart | undefined> {
  let shape: Shape | undefined;
  let points: [number, number][][] = [];
  for await (const record of records) {
    if (shape === undefined) {
      shape = shapeOf(stream, record);
      if (shape === undefined) return undefined;
      points = shape.series.map(() => []);
    }
    const time = timeOf(record);
    if (time === undefined) continue;
    shape.series.forEach((s, i) => {
      const value = s.value(record);
      if (value !== undefined) (points[i] as [number, number][]).push([time, value]);
    });
  }
  if (shape === undefined) return undefined;
  const series = shape.series
    .map((s, i) => ({ name: s.name, points: downsample(points[i] as [number, number][], MAX_POINTS) }))
    .filter((s) => s.points.length >= 2);
  if (series.length === 0) return undefined;
  return {
    id: `stream-${stream}`,
    kind: "stream",
    title: shape.title,
    subtitle: `stream ${stream}`,
    unit: shape.unit,
    x: "time",
    xName: "time",
    series,
  };
}
