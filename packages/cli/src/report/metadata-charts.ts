import type { JsonObject } from "@dashlog/core";
import { MinMaxBuckets } from "../dashboard/min-max-buckets.js";
import type { ReportChart } from "./report-data.js";

/** Metadata keys that count progress: a value logged with one of these is plotted against it. */
export const X_KEYS = ["epoch", "step", "global_step", "iteration", "iter", "batch"];

/**
 * Keys that name a position rather than measure something (`batch_idx`, `sample_index`,
 * `worker_id`, `train_step`): never charted as a metric, like the X_KEYS themselves.
 */
const COUNTER_KEY = /(^|_)(idx|index|id|step|steps|batch|epoch|iter|iteration|seq|sequence)$/i;

/** Series whose largest values differ by more than this share no chart (a loss next to a learning rate). */
const MAGNITUDE_RATIO = 20;
const MAX_CHARTS = 12;
/** Series tracked at most; metadata with thousands of distinct numeric keys is not a set of curves. */
const MAX_SERIES = 64;

interface Series {
  readonly key: string;
  readonly x: string;
  /** The numeric keys logged with it the first time: keys logged together are charted together. */
  readonly group: string;
  readonly buckets: MinMaxBuckets;
  /** Still true while every value so far was an integer one above the previous: a counter, not a metric. */
  counting: boolean;
  last: number;
}

/**
 * Numeric metadata values (`train_loss`, `val_loss`, ...) of log records, as line charts:
 * over `epoch` (or `step`, ...) when the record has one, else over time. Memory is bounded
 * (MinMaxBuckets per series, MAX_SERIES series) however long the run.
 */
export class MetadataCharts {
  readonly #series = new Map<string, Series>();
  /** What the values are: log metadata, or the points of named metric series (`exp.metrics`). */
  readonly #source: "metadata" | "metrics";

  readonly #newBuckets: () => MinMaxBuckets;

  /** `buckets` makes each series' buckets: a zoomed chart's cover one fixed x range. */
  constructor(source: "metadata" | "metrics" = "metadata", buckets: () => MinMaxBuckets = () => new MinMaxBuckets()) {
    this.#source = source;
    this.#newBuckets = buckets;
  }

  /** The records behind the points of series `key` over `x` between `from` and `to`, as the positions given to `add`. */
  positionsIn(x: string, key: string, from: number, to: number): { start: number; end: number } | undefined {
    return this.#series.get(`${x}\u0000${key}`)?.buckets.positionsIn(from, to);
  }

  /** Every point kept of series `key` over `x`, whether or not charts() would draw it (a zoomed range may hold just one). */
  seriesPoints(x: string, key: string): [number, number][] {
    return this.#series.get(`${x}\u0000${key}`)?.buckets.points() ?? [];
  }

  /**
   * Takes a record's metadata; true when it added a point to some series. `start` and `end`
   * say where the record is, so a zoomed chart can read just the records in its range.
   */
  add(time: number, metadata: JsonObject | null | undefined, start = Number.NaN, end = Number.NaN): boolean {
    if (metadata === null || metadata === undefined || typeof metadata !== "object") return false;
    let numeric: string[] | undefined;
    for (const key in metadata) {
      const value = metadata[key];
      if (typeof value === "number" && Number.isFinite(value)) (numeric ??= []).push(key);
    }
    if (numeric === undefined) return false;
    let added = false;
    const xKey = X_KEYS.find((k) => numeric.includes(k));
    const xValue = xKey === undefined ? time : (metadata[xKey] as number);
    const x = xKey ?? "time";
    for (const key of numeric) {
      if (key === xKey || X_KEYS.includes(key) || COUNTER_KEY.test(key)) continue;
      const id = `${x}\u0000${key}`;
      let series = this.#series.get(id);
      const value = metadata[key] as number;
      if (series === undefined) {
        if (this.#series.size >= MAX_SERIES) continue;
        const group = `${x}\u0000${numeric.filter((k) => k !== xKey && !X_KEYS.includes(k) && !COUNTER_KEY.test(k)).sort().join("\u0000")}`;
        series = { key, x, group, buckets: this.#newBuckets(), counting: Number.isInteger(value), last: value };
        this.#series.set(id, series);
      } else if (series.counting && value !== series.last + 1) {
        series.counting = false;
      }
      series.last = value;
      series.buckets.add(xValue, value, start, end);
      added = true;
    }
    return added;
  }

  charts(): ReportChart[] {
    const groups = new Map<string, Series[]>();
    for (const series of this.#series.values()) {
      // One point is not a line, and a value that only ever went up by one is a counter.
      if (series.buckets.count < 2 || series.counting) continue;
      const list = groups.get(series.group) ?? [];
      list.push(series);
      groups.set(series.group, list);
    }
    const charts: ReportChart[] = [];
    for (const list of groups.values()) {
      const withPoints = list.map((s) => ({ s, points: s.buckets.points() }));
      const byMagnitude = withPoints.map((e) => ({ ...e, m: largest(e.points) })).sort((a, b) => b.m - a.m);
      let current: typeof byMagnitude = [];
      let top = 0;
      const flush = () => {
        if (current.length === 0) return;
        const x = (current[0] as (typeof byMagnitude)[number]).s.x;
        const sorted = [...current].sort((a, b) => a.s.key.localeCompare(b.s.key));
        const names = sorted.map((e) => e.s.key);
        charts.push({
          id: `${this.#source}-${x}-${names.join("-")}`,
          kind: "metadata",
          title: names.join(", "),
          subtitle: x === "time" ? `${this.#source} over time` : `${this.#source} over ${x}`,
          unit: "number",
          x: x === "time" ? "time" : "value",
          xName: x,
          series: sorted.map((e) => ({ name: e.s.key, points: e.points })),
        });
        current = [];
      };
      for (const entry of byMagnitude) {
        if (current.length > 0 && entry.m * MAGNITUDE_RATIO < top) flush();
        if (current.length === 0) top = entry.m;
        current.push(entry);
      }
      flush();
    }
    // Over epoch before step before time, then most points first: the curves a run is about.
    const rank = (c: ReportChart) => (c.x === "time" ? X_KEYS.length : X_KEYS.indexOf(c.xName));
    return charts.sort((a, b) => rank(a) - rank(b) || total(b) - total(a) || a.title.localeCompare(b.title)).slice(0, MAX_CHARTS);
  }
}

function total(chart: ReportChart): number {
  return chart.series.reduce((n, s) => n + s.points.length, 0);
}

function largest(points: readonly (readonly [number, number])[]): number {
  let max = 0;
  for (const p of points) max = Math.max(max, Math.abs(p[1]));
  return max;
}
