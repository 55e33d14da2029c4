import type { JsonObject } from "@dashlog/core";
import { MinMaxBuckets } from "../dashboard/min-max-buckets.js";
import type { ReportChart } from "./report-data.js";
import { compareWorkers } from "./worker-summary.js";

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
/**
 * Series tracked at most; metadata with thousands of distinct numeric keys is not a set of
 * curves. In a joined run each worker's values of a key are a series of their own, so a run
 * of many workers reaches this sooner: the workers seen first are charted.
 */
const MAX_SERIES = 64;

interface Series {
  readonly key: string;
  /** The worker of a joined run whose values these are; undefined for records without one. */
  readonly worker: string | undefined;
  /** What the chart calls it: the key, or `key · worker`. */
  readonly name: string;
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
 *
 * In a run joined by several workers every worker's values are their own series (`loss · 0`,
 * `loss · 1`) on the key's chart: ranks of a distributed job each report their own loss at
 * the same steps, and one line through all of them would jump between ranks at every step,
 * while a line per rank shows a straggler or a diverging rank at once.
 */
export class MetadataCharts {
  readonly #series = new Map<string, Series>();
  /** The same series by x and shown name, for a zoomed chart's lookups. */
  readonly #byName = new Map<string, Series>();
  /** What the values are: log metadata, or the points of named metric series (`exp.metrics`). */
  readonly #source: "metadata" | "metrics";

  readonly #newBuckets: () => MinMaxBuckets;

  /** `buckets` makes each series' buckets: a zoomed chart's cover one fixed x range. */
  constructor(source: "metadata" | "metrics" = "metadata", buckets: () => MinMaxBuckets = () => new MinMaxBuckets()) {
    this.#source = source;
    this.#newBuckets = buckets;
  }

  /** The records behind the points of series `key` over `x` between `from` and `to`, as the positions given to `add`. */
  positionsIn(x: string, name: string, from: number, to: number): { start: number; end: number } | undefined {
    return this.#byName.get(`${x}\u0000${name}`)?.buckets.positionsIn(from, to);
  }

  /** The key and worker behind the series shown as `name` over `x` (`train.loss · 1`: key `train.loss`, worker `1`). */
  seriesOf(x: string, name: string): { readonly key: string; readonly worker: string | undefined } | undefined {
    const series = this.#byName.get(`${x}\u0000${name}`);
    return series === undefined ? undefined : { key: series.key, worker: series.worker };
  }

  /** Every point kept of the series shown as `name` over `x`, whether or not charts() would draw it (a zoomed range may hold just one). */
  seriesPoints(x: string, name: string): [number, number][] {
    return this.#byName.get(`${x}\u0000${name}`)?.buckets.points() ?? [];
  }

  /**
   * The whole chart `whole` with each series' points from these charts (a zoomed range's), in
   * its order. Not the chart these would draw themselves: in a narrow range their series may
   * group differently, or hold a single point.
   */
  pointsFor(whole: ReportChart): ReportChart {
    return { ...whole, series: whole.series.map((s) => ({ name: s.name, points: this.seriesPoints(whole.xName, s.name) })) };
  }

  /**
   * Takes a record's metadata; true when it added a point to some series. `start` and `end`
   * say where the record is, so a zoomed chart can read just the records in its range;
   * `worker`, which worker of a joined run logged it.
   */
  add(time: number, metadata: JsonObject | null | undefined, start = Number.NaN, end = Number.NaN, worker?: string): boolean {
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
      const id = worker === undefined ? `${x}\u0000${key}` : `${x}\u0000${key}\u0000${worker}`;
      let series = this.#series.get(id);
      const value = metadata[key] as number;
      if (series === undefined) {
        if (this.#series.size >= MAX_SERIES) continue;
        const group = `${x}\u0000${numeric.filter((k) => k !== xKey && !X_KEYS.includes(k) && !COUNTER_KEY.test(k)).sort().join("\u0000")}`;
        const name = worker === undefined ? key : `${key} · ${worker}`;
        series = { key, worker, name, x, group, buckets: this.#newBuckets(), counting: Number.isInteger(value), last: value };
        this.#series.set(id, series);
        this.#byName.set(`${x}\u0000${name}`, series);
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
      // A key's size is its largest value over every worker: one key's workers share a chart.
      const keySize = new Map<string, number>();
      for (const e of withPoints) keySize.set(e.s.key, Math.max(keySize.get(e.s.key) ?? 0, largest(e.points)));
      const byMagnitude = withPoints.map((e) => ({ ...e, m: keySize.get(e.s.key) as number })).sort((a, b) => b.m - a.m || a.s.key.localeCompare(b.s.key));
      let current: typeof byMagnitude = [];
      let top = 0;
      const flush = () => {
        if (current.length === 0) return;
        const x = (current[0] as (typeof byMagnitude)[number]).s.x;
        const sorted = [...current].sort((a, b) => a.s.key.localeCompare(b.s.key) || byWorker(a.s.worker, b.s.worker));
        // The id and title name keys, not workers: the chart stays the same one as workers join.
        const names = [...new Set(sorted.map((e) => e.s.key))];
        charts.push({
          id: `${this.#source}-${x}-${names.join("-")}`,
          kind: "metadata",
          title: names.join(", "),
          subtitle: x === "time" ? `${this.#source} over time` : `${this.#source} over ${x}`,
          unit: "number",
          x: x === "time" ? "time" : "value",
          xName: x,
          series: sorted.map((e) => ({ name: e.s.name, points: e.points })),
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

/** Records without a worker first, then workers in their numbering order. */
function byWorker(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareWorkers(a, b);
}

function total(chart: ReportChart): number {
  return chart.series.reduce((n, s) => n + s.points.length, 0);
}

function largest(points: readonly (readonly [number, number])[]): number {
  let max = 0;
  for (const p of points) max = Math.max(max, Math.abs(p[1]));
  return max;
}
