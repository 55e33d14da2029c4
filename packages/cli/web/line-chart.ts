import uPlot, { type AlignedData, type Options } from "uplot";
import type { ReportChart } from "../src/report/report-data.js";
import { el } from "./dom.js";
import { fmtClock, fmtNumber, fmtTime, formatterFor } from "./format.js";
import { colorAt } from "./palette.js";
import { xRange } from "./x-range.js";

export interface LineChart {
  /** The chart's card in the page. */
  readonly element: HTMLElement;
  /**
   * New data for the same series; keeps the zoom when the user has zoomed. False when the
   * series are others (a worker of a joined run logged its first points): the chart is then
   * left as it was, to be drawn anew.
   */
  update(chart: ReportChart): boolean;
  /** Stops the chart and takes its card out of the page. */
  destroy(): void;
}

/** One series per name on a shared x: uPlot wants one x array, so the series are joined on it. */
export function alignedData(series: ReportChart["series"]): AlignedData {
  const tables = series.map((s): AlignedData => [s.points.map((p) => p[0]), s.points.map((p) => p[1])]);
  if (tables.length === 0) return [[]];
  return tables.length === 1 ? (tables[0] as AlignedData) : uPlot.join(tables);
}

/**
 * A line chart of downsampled series with uPlot: drag to zoom on x, double-click to reset.
 * Labels come from the data but uPlot writes them with textContent and draws axes on a canvas.
 */
/** Asks the server for a chart's x range at full resolution; null when it has nothing finer. */
export type ChartDetail = (id: string, from: number, to: number) => Promise<ReportChart | null>;

/** After a zoom settles this long, the finer data for it is asked for (dragging fires many scale changes). */
const DETAIL_DELAY_MS = 120;

/**
 * The whole chart's points outside `from`..`to` and the zoomed chart's inside: the x range of
 * the whole run stays (double-click still resets to it) while the zoomed part is at full resolution.
 */
export function mergeDetail(whole: ReportChart["series"], fine: ReportChart["series"], from: number, to: number): ReportChart["series"] {
  return whole.map((s) => {
    const inside = fine.find((f) => f.name === s.name)?.points ?? [];
    return { name: s.name, points: [...s.points.filter((p) => p[0] < from), ...inside, ...s.points.filter((p) => p[0] > to)] };
  });
}

export function lineChart(parent: HTMLElement, chart: ReportChart, height = 220, detail?: ChartDetail): LineChart {
  const box = el("figure", "chart-card");
  const cap = el("figcaption");
  cap.appendChild(el("span", "chart-title", chart.title));
  cap.appendChild(el("span", "chart-sub", chart.subtitle));
  box.appendChild(cap);
  const target = el("div", "chart");
  target.dataset["chart"] = chart.id;
  box.appendChild(target);
  parent.appendChild(box);
  const format = formatterFor(chart.unit);
  const time = chart.x === "time";
  const width = Math.max(280, target.clientWidth || parent.clientWidth || 480);
  let whole = chart;
  let asked = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (series: ReportChart["series"]) => {
    const data = alignedData(series);
    target.dataset["points"] = String(series.reduce((n, s) => n + s.points.length, 0));
    return data;
  };
  const refine = async () => {
    if (detail === undefined) return;
    const [from, to] = xRange(plot);
    if (!isZoomed(plot) || !(to > from)) return;
    const key = `${from}:${to}`;
    if (key === asked) return;
    asked = key;
    const fine = await detail(chart.id, from, to).catch(() => null);
    // A newer zoom asked meanwhile: its answer is the one to show.
    if (fine === null || asked !== key) return;
    plot.setData(show(mergeDetail(whole.series, fine.series, from, to)), false);
    target.dataset["detail"] = key;
  };
  const options: Options = {
    width,
    height,
    hooks: {
      setScale: [
        (_u, key) => {
          if (key !== "x" || detail === undefined) return;
          clearTimeout(timer);
          timer = setTimeout(() => void refine(), DETAIL_DELAY_MS);
        },
      ],
    },
    ms: 1,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time } },
    axes: [
      {
        stroke: "#5b6472",
        space: 80,
        grid: { show: false },
        values: time ? (_u, splits) => splits.map((v) => fmtClock(v)) : (_u, splits) => splits.map((v) => fmtNumber(v)),
        ...(time ? {} : { label: chart.xName, labelSize: 18 }),
      },
      { stroke: "#5b6472", grid: { stroke: "#eef0f3" }, size: 70, values: (_u, splits) => splits.map((v) => format(v)) },
    ],
    series: [
      { label: time ? "time (UTC)" : chart.xName, value: (_u, v) => (v === null ? "–" : time ? fmtTime(v, true) : fmtNumber(v)) },
      ...chart.series.map((s, i) => ({
        label: s.name,
        stroke: colorAt(i),
        width: 1.5,
        spanGaps: true,
        points: { show: s.points.length <= 40 },
        value: (_u: uPlot, v: number | null) => (v === null ? "–" : format(v)),
      })),
    ],
  };
  const plot = new uPlot(options, show(chart.series), target);
  const resize = new ResizeObserver(() => {
    const w = target.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height });
  });
  resize.observe(target);
  return {
    element: box,
    update(next) {
      if (next.series.length !== chart.series.length || next.series.some((s, i) => s.name !== chart.series[i]?.name)) return false;
      const zoomed = isZoomed(plot);
      whole = next;
      asked = "";
      plot.setData(show(next.series), !zoomed);
      // The finer data of a zoomed range is asked for again: new records may have landed in it.
      if (zoomed) void refine();
      return true;
    },
    destroy() {
      clearTimeout(timer);
      resize.disconnect();
      plot.destroy();
      box.remove();
    },
  };
}

function isZoomed(plot: uPlot): boolean {
  const xs = plot.data[0];
  if (xs.length === 0) return false;
  const [min, max] = xRange(plot);
  return min > (xs[0] as number) || max < (xs[xs.length - 1] as number);
}
