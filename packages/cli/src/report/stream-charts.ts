import type { StoredRecord } from "@dashlog/core";
import { MinMaxBuckets } from "../dashboard/min-max-buckets.js";
import type { ChartUnit, ReportChart } from "./report-data.js";
import { compareWorkers } from "./worker-summary.js";

/** Charts of well-known streams come first, in this order; the rest follow by name. */
export const STREAM_CHART_ORDER = ["Memory", "CPU", "Event-loop delay", "Heap in use", "GC pauses", "GC collections", "Load average"];

/**
 * Workers of a joined run charted per stream at most: each costs a set of buckets per series
 * (about 50 KiB each); the workers seen first are drawn.
 */
const MAX_WORKERS = 16;

/** Fields that describe a sample rather than measure something. */
const NOT_PLOTTED = new Set(["sequenceNumber", "timestamp", "monotonic", "intervalMs", "samples", "startMonotonic", "startSequenceNumber"]);

interface SeriesShape {
  readonly name: string;
  readonly unit: ChartUnit;
  /** Which chart of the stream it goes to: series of different units never share one. */
  readonly chart: string;
  readonly value: (r: StoredRecord) => number | undefined;
}

const num = (r: StoredRecord, key: string): number | undefined => {
  const v = r[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};

/** Known consumers of @dashlog/events get meaningful series; anything else plots its numeric fields, one chart per unit. */
function shapeOf(stream: string, sample: StoredRecord): SeriesShape[] {
  const has = (...keys: string[]) => keys.every((k) => typeof sample[k] === "number");
  const plain = (chart: string, unit: ChartUnit) => (k: string, name = k): SeriesShape => ({ name, unit, chart, value: (r) => num(r, k) });
  if (has("rss", "heapUsed", "heapTotal")) return ["rss", "heapTotal", "heapUsed", "external"].filter((k) => has(k)).map((k) => plain("Memory", "bytes")(k));
  if (has("userUs", "systemUs", "intervalMs")) {
    const percent = (name: string, keys: string[]): SeriesShape => ({
      name,
      unit: "percent",
      chart: "CPU",
      value: (r) => {
        const interval = num(r, "intervalMs");
        if (interval === undefined || interval <= 0) return undefined;
        let us = 0;
        for (const k of keys) us += num(r, k) ?? 0;
        return (us / 1000 / interval) * 100;
      },
    });
    return [percent("total", ["userUs", "systemUs"]), percent("user", ["userUs"]), percent("system", ["systemUs"])];
  }
  if (has("p50Ms", "p99Ms", "maxMs")) return ["p50Ms", "meanMs", "p99Ms", "maxMs"].filter((k) => has(k)).map((k) => plain("Event-loop delay", "ms")(k, k.replace(/Ms$/, "")));
  if (has("count", "pauseMs", "maxPauseMs")) {
    return [plain("GC pauses", "ms")("pauseMs", "pause"), plain("GC pauses", "ms")("maxPauseMs", "longest pause"), plain("GC collections", "count")("count", "collections"), plain("GC collections", "count")("major", "major")].filter((s) => s.name !== "major" || has("major"));
  }
  if (has("load1", "load5", "load15")) return ["load1", "load5", "load15"].map((k) => plain("Load average", "number")(k));
  const keys = Object.keys(sample).filter((k) => !NOT_PLOTTED.has(k) && typeof sample[k] === "number").slice(0, 8);
  return keys.map((k): SeriesShape => {
    const unit: ChartUnit = /bytes|heap|memory|rss/i.test(k) ? "bytes" : /Ms$/.test(k) ? "ms" : /fraction|percent/i.test(k) ? "percent" : "number";
    const title = stream === "bytes" && k === "heapUsed" ? "Heap in use" : stream;
    const value = /fraction/i.test(k) ? (r: StoredRecord) => {
      const v = num(r, k);
      return v === undefined ? undefined : v * 100;
    } : (r: StoredRecord) => num(r, k);
    return { name: k, unit, chart: `${title}\u0000${unit}`, value };
  });
}

/**
 * The charts of one consumer stream, fed a record at a time in bounded memory. Records carry
 * no time of their own; the caller gives the time of their sequence number.
 */
export class StreamCharts {
  readonly #stream: string;
  #shape: SeriesShape[] | undefined;
  /**
   * Per worker of a joined run (null: records without one), a set of buckets per series: the
   * samples of eight processes are eight curves, not one line jumping between them.
   */
  readonly #buckets = new Map<string | null, MinMaxBuckets[]>();

  readonly #newBuckets: () => MinMaxBuckets;

  /** `buckets` makes each series' buckets: a zoomed chart's cover one fixed time range. */
  constructor(stream: string, buckets: () => MinMaxBuckets = () => new MinMaxBuckets()) {
    this.#stream = stream;
    this.#newBuckets = buckets;
  }

  /** `start` and `end`: where the record is in its stream, so a zoomed chart can read just its range again. */
  add(record: StoredRecord, time: number | undefined, start = Number.NaN, end = Number.NaN): void {
    this.#shape ??= shapeOf(this.#stream, record);
    if (time === undefined) return;
    const worker = typeof record["worker"] === "string" ? record["worker"] : null;
    let buckets = this.#buckets.get(worker);
    if (buckets === undefined) {
      if (this.#buckets.size >= MAX_WORKERS) return;
      buckets = this.#shape.map(() => this.#newBuckets());
      this.#buckets.set(worker, buckets);
    }
    const set = buckets;
    this.#shape.forEach((s, i) => {
      const value = s.value(record);
      if (value !== undefined) (set[i] as MinMaxBuckets).add(time, value, start, end);
    });
  }

  /** Where the records behind the points between `from` and `to` (ms) are in the stream. */
  positionsIn(from: number, to: number): { start: number; end: number } | undefined {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (const b of [...this.#buckets.values()].flat()) {
      const r = b.positionsIn(from, to);
      if (r === undefined) continue;
      start = Math.min(start, r.start);
      end = Math.max(end, r.end);
    }
    return start <= end ? { start, end } : undefined;
  }

  charts(): ReportChart[] {
    const shape = this.#shape ?? [];
    const byChart = new Map<string, { unit: ChartUnit; series: { name: string; points: [number, number][] }[] }>();
    const workers = [...this.#buckets.keys()].sort((a, b) => (a === null ? -1 : b === null ? 1 : compareWorkers(a, b)));
    shape.forEach((s, i) => {
      for (const worker of workers) {
        const points = ((this.#buckets.get(worker) as MinMaxBuckets[])[i] as MinMaxBuckets).points();
        if (points.length < 2) continue;
        const entry = byChart.get(s.chart) ?? { unit: s.unit, series: [] };
        entry.series.push({ name: worker === null ? s.name : `${s.name} · ${worker}`, points });
        byChart.set(s.chart, entry);
      }
    });
    const several = byChart.size > 1;
    return [...byChart].map(([chart, { unit, series }]) => {
      const title = chart.split("\u0000")[0] as string;
      return {
        id: `stream-${this.#stream}${several ? `-${unit}` : ""}`,
        kind: "stream" as const,
        title: several && !STREAM_CHART_ORDER.includes(title) ? `${title} (${unitName(unit)})` : title,
        subtitle: `stream ${this.#stream}`,
        unit,
        x: "time" as const,
        xName: "time",
        series,
      };
    });
  }
}

function unitName(unit: ChartUnit): string {
  return unit === "ms" ? "ms" : unit === "percent" ? "%" : unit;
}
