import { ROOT_METRIC, type JsonObject, type MetricPoint, type MetricReader } from "@dashlog/core";
import { MetadataCharts, X_KEYS } from "../report/metadata-charts.js";
import type { ReportChart } from "../report/report-data.js";
import { MetricCursor } from "./metric-cursor.js";
import { MinMaxBuckets } from "./min-max-buckets.js";

/** Points a zoomed chart reads at most: a range holding more is drawn as fine as the whole chart's buckets show. */
export const MAX_DETAIL_POINTS = 300_000;

/**
 * The charts of an experiment's named metric series (`exp.metrics`, ml-dash's `metrics/`),
 * read a few new points at a time and charted like log metadata. In a joined run each worker's
 * points are a series of their own (`train.loss · 0`, `train.loss · 1`): the workers number
 * their points separately, so a line through all of them by index would zig-zag between
 * workers at every step. A run of its own draws one series per key, as it always did.
 */
export class NamedMetricCharts {
  readonly #reader: MetricReader;
  readonly #prefix: string;
  readonly #charts = new MetadataCharts("metrics");
  readonly #cursors = new Map<string, MetricCursor>();
  /** The metric each value key comes from (null when two metrics give the same key: its points cannot be read again). */
  readonly #keyMetric = new Map<string, string | null>();
  readonly #maxDetailPoints: number;
  readonly #readsByWorker: boolean;

  /**
   * `readsByWorker`: the store reads one worker's points from an index (MongoDB), so a joined
   * series is read per worker from where each is. Otherwise (a local file, scanned whole by every
   * read) one read from the lowest worker's index costs the least.
   */
  constructor(reader: MetricReader, prefix: string, options: { readonly maxDetailPoints?: number; readonly readsByWorker?: boolean } = {}) {
    this.#reader = reader;
    this.#prefix = prefix;
    this.#maxDetailPoints = options.maxDetailPoints ?? MAX_DETAIL_POINTS;
    this.#readsByWorker = options.readsByWorker ?? false;
  }

  /** Reads the points each metric gained since the last call: how many were read, and how many of them were charted. */
  async update(signal?: AbortSignal): Promise<{ read: number; charted: number }> {
    const count = { read: 0, charted: 0 };
    for (const metric of await this.#reader.listMetrics(this.#prefix)) {
      let cursor = this.#cursors.get(metric.name);
      if (cursor === undefined) {
        cursor = new MetricCursor();
        this.#cursors.set(metric.name, cursor);
      }
      if (!cursor.hasNew(metric)) continue;
      const starts = this.#readsByWorker ? cursor.workerStarts() : undefined;
      let from: number;
      if (starts === undefined) {
        from = cursor.fromIndex();
        await this.#read(metric.name, cursor, { fromIndex: from }, false, count, signal);
      } else {
        for (const [worker, next] of starts.workers) {
          await this.#read(metric.name, cursor, { fromIndex: next, worker }, false, count, signal);
          if (signal?.aborted) return count;
        }
        from = starts.highest;
        await this.#read(metric.name, cursor, { fromIndex: from }, false, count, signal);
      }
      if (signal?.aborted) return count;
      // A worker that joined below where the others were: its first points are read now.
      const missed = cursor.missedBelow(metric, from);
      if (missed !== undefined) await this.#read(metric.name, cursor, missed, true, count, signal);
      if (signal?.aborted) return count;
    }
    return count;
  }

  charts(): ReportChart[] {
    return this.#charts.charts();
  }

  /**
   * Chart `chart` (one of charts()) over x from `from` to `to` only: the points of that range
   * read again by index (the buckets remember the indices of their points), per metric and per
   * worker (each worker's indices are its own), into buckets of that range alone, min and max of
   * each kept as in the whole chart. Undefined when nothing of it is there, or the range holds
   * more than the detail budget.
   */
  async detail(chart: ReportChart, from: number, to: number, signal?: AbortSignal): Promise<ReportChart | undefined> {
    if (!(to > from)) return undefined;
    const ranges = new Map<string, { metric: string; worker: string | undefined; start: number; end: number }>();
    for (const s of chart.series) {
      const series = this.#charts.seriesOf(chart.xName, s.name);
      const metric = series === undefined ? undefined : this.#keyMetric.get(series.key);
      if (series === undefined || metric === null || metric === undefined) continue;
      const r = this.#charts.positionsIn(chart.xName, s.name, from, to);
      if (r === undefined) continue;
      const id = JSON.stringify([metric, series.worker ?? null]);
      const known = ranges.get(id);
      ranges.set(id, known === undefined ? { metric, worker: series.worker, ...r } : { ...known, start: Math.min(known.start, r.start), end: Math.max(known.end, r.end) });
    }
    if (ranges.size === 0) return undefined;
    let points = 0;
    for (const r of ranges.values()) points += r.end - r.start;
    if (points > this.#maxDetailPoints) return undefined;
    const detail = new MetadataCharts("metrics", () => MinMaxBuckets.within(from, to));
    for (const { metric, worker, start, end } of ranges.values()) {
      for await (const point of this.#reader.readMetric(this.#prefix, metric, { fromIndex: start, toIndex: end - 1, worker, signal })) {
        // Read without a worker, the range yields every worker's points of those indices: only the unnamed ones are this series'.
        if (point.worker !== worker) continue;
        detail.add(timeOf(point), metricValues(metric, point.data), Number.NaN, Number.NaN, worker);
      }
    }
    return detail.pointsFor(chart);
  }

  async #read(
    metric: string,
    cursor: MetricCursor,
    range: { readonly fromIndex: number; readonly toIndex?: number; readonly worker?: string },
    onlyNew: boolean,
    count: { read: number; charted: number },
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for await (const point of this.#reader.readMetric(this.#prefix, metric, range)) {
      if (signal?.aborted) return;
      if (!cursor.take(point, onlyNew)) continue;
      const values = metricValues(metric, point.data);
      this.#noteKeys(metric, values);
      count.read++;
      // Positions are the point's index (its worker's own in a joined run, whose workers are
      // series of their own): a zoomed chart reads just those points again.
      if (this.#charts.add(timeOf(point), values, point.index, point.index + 1, point.worker)) count.charted++;
    }
  }

  #noteKeys(metric: string, values: JsonObject): void {
    for (const key in values) {
      const known = this.#keyMetric.get(key);
      if (known === undefined) this.#keyMetric.set(key, metric);
      else if (known !== metric && known !== null) this.#keyMetric.set(key, null);
    }
  }
}

function timeOf(point: MetricPoint): number {
  return point.createdAt === null ? Number.NaN : Date.parse(point.createdAt);
}

/**
 * A point's values named after their series (`train.loss`, `eval.loss`), so series of several
 * metrics can share a chart; the progress keys (`epoch`, `step`, ...) keep their names, as
 * they are the x axis. ml-dash's unnamed series keeps plain names.
 */
function metricValues(metric: string, data: JsonObject): JsonObject {
  if (metric === ROOT_METRIC) return data;
  const out: JsonObject = {};
  for (const key in data) out[X_KEYS.includes(key) ? key : `${metric}.${key}`] = data[key] as JsonObject[string];
  return out;
}
