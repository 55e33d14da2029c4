import type { JsonObject } from "@dashlog/core";
import { downsample } from "./downsample.js";
import { MAX_POINTS } from "./stream-charts.js";
import type { ReportChart } from "./report-data.js";

/** Metadata keys that count progress: a value logged with one of these is plotted against it. */
const X_KEYS = ["epoch", "step", "global_step", "iteration", "iter", "batch"];

/** Series whose largest values differ by more than this share no chart (a loss next to a learning rate). */
const MAGNITUDE_RATIO = 20;
const MAX_CHARTS = 12;

interface Series {
  readonly key: string;
  readonly x: string;
  /** The numeric keys logged with it the first time: keys logged together are charted together. */
  readonly group: string;
  readonly points: [number, number][];
}

/**
 * Collects numeric metadata values (`train_loss`, `val_loss`, ...) from log records and turns
 * them into line charts: over `epoch` (or `step`, ...) when the record has one, else over time.
 */
export class MetadataCharts {
  readonly #series = new Map<string, Series>();

  add(time: number, metadata: JsonObject | null): void {
    if (metadata === null) return;
    const numeric: string[] = [];
    for (const [key, value] of Object.entries(metadata)) if (typeof value === "number" && Number.isFinite(value)) numeric.push(key);
    if (numeric.length === 0) return;
    const xKey = X_KEYS.find((k) => numeric.includes(k));
    const xValue = xKey === undefined ? time : (metadata[xKey] as number);
    const x = xKey ?? "time";
    for (const key of numeric) {
      if (key === xKey) continue;
      const id = `${x}\u0000${key}`;
      let series = this.#series.get(id);
      if (series === undefined) {
        series = { key, x, group: `${x}\u0000${numeric.filter((k) => k !== xKey).sort().join("\u0000")}`, points: [] };
        this.#series.set(id, series);
      }
      series.points.push([xValue, metadata[key] as number]);
    }
  }

  charts(): ReportChart[] {
    const groups = new Map<string, Series[]>();
    for (const series of this.#series.values()) {
      // One point is not a line; a value logged once belongs in the log table.
      if (series.points.length < 2) continue;
      const list = groups.get(series.group) ?? [];
      list.push(series);
      groups.set(series.group, list);
    }
    const charts: ReportChart[] = [];
    for (const list of groups.values()) {
      const byMagnitude = list.map((s) => ({ s, m: largest(s.points) })).sort((a, b) => b.m - a.m);
      let current: Series[] = [];
      let top = 0;
      const flush = () => {
        if (current.length === 0) return;
        const x = (current[0] as Series).x;
        const names = current.map((s) => s.key).sort();
        charts.push({
          id: `metadata-${x}-${names.join("-")}`,
          kind: "metadata",
          title: names.join(", "),
          subtitle: x === "time" ? "metadata over time" : `metadata over ${x}`,
          unit: "number",
          x: x === "time" ? "time" : "value",
          xName: x,
          series: current.map((s) => ({ name: s.key, points: downsample(s.points, MAX_POINTS) })),
        });
        current = [];
      };
      for (const { s, m } of byMagnitude) {
        if (current.length > 0 && m * MAGNITUDE_RATIO < top) flush();
        if (current.length === 0) top = m;
        current.push(s);
      }
      flush();
    }
    // Over epoch before step before time, then most points first: the curves a run is about.
    const rank = (c: ReportChart) => (c.x === "time" ? X_KEYS.length : X_KEYS.indexOf(c.xName));
    return charts
      .sort((a, b) => rank(a) - rank(b) || total(b) - total(a) || a.title.localeCompare(b.title))
      .slice(0, MAX_CHARTS);
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
