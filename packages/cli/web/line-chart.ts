import uPlot, { type AlignedData, type Options } from "uplot";
import type { ReportChart } from "../src/report/report-data.js";
import { el } from "./dom.js";
import { fmtClock, fmtNumber, fmtTime, formatterFor } from "./format.js";
import { colorAt } from "./palette.js";
import { xRange } from "./x-range.js";

export interface LineChart {
  /** New data for the same series; keeps the zoom when the user has zoomed. */
  update(chart: ReportChart): void;
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
export function lineChart(parent: HTMLElement, chart: ReportChart, height = 220): LineChart {
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
  const options: Options = {
    width,
    height,
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
  const plot = new uPlot(options, alignedData(chart.series), target);
  const resize = new ResizeObserver(() => {
    const w = target.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height });
  });
  resize.observe(target);
  return {
    update(next) {
      if (next.series.length !== chart.series.length) return;
      const zoomed = isZoomed(plot);
      plot.setData(alignedData(next.series), !zoomed);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

function isZoomed(plot: uPlot): boolean {
  const xs = plot.data[0];
  if (xs.length === 0) return false;
  const [min, max] = xRange(plot);
  return min > (xs[0] as number) || max < (xs[xs.length - 1] as number);
}
