import uPlot, { type Options } from "uplot";
import type { ReportSpan, ReportTimeline } from "../src/report/report-data.js";
import { el } from "./dom.js";
import { fmtClock, fmtDuration, fmtTime } from "./format.js";
import { colorAt } from "./palette.js";
import { xRange } from "./x-range.js";

const LANE_PX = 30;
/** The lane-name axis grows with the longest name (a joined run's are `worker · category`), within these bounds. */
const AXIS_MIN_PX = 110;
const AXIS_MAX_PX = 280;
const AXIS_CHAR_PX = 7;

export interface TimelineChart {
  update(timeline: ReportTimeline): void;
  destroy(): void;
}

/**
 * The spans as a Gantt: one row per lane, x on the wall clock. uPlot owns the scales, the
 * axes, drag-to-zoom and double-click reset; the draw hook only paints each visible span's
 * bar, and the wheel zooms and the buttons seek. Tooltips are text nodes.
 */
export function timelineChart(parent: HTMLElement, initial: ReportTimeline): TimelineChart {
  let tl = initial;
  const wrap = el("div", "timeline-wrap");
  const controls = el("div", "timeline-controls");
  const buttons = {
    back: el("button", "seek", "◀ earlier"),
    zoomIn: el("button", "seek", "zoom in"),
    zoomOut: el("button", "seek", "zoom out"),
    forward: el("button", "seek", "later ▶"),
    reset: el("button", "seek", "whole run"),
  };
  for (const [name, b] of Object.entries(buttons)) {
    b.type = "button";
    b.dataset["seek"] = name;
    controls.appendChild(b);
  }
  wrap.appendChild(controls);
  const target = el("div", "chart timeline-chart");
  target.dataset["chart"] = "timeline";
  wrap.appendChild(target);
  // The lane names are painted on the canvas; this list says them to a screen reader (and to a test).
  const laneList = el("ol", "sr-only lane-list");
  laneList.setAttribute("aria-label", "Timeline lanes");
  wrap.appendChild(laneList);
  const listLanes = () => {
    laneList.replaceChildren(
      ...tl.lanes.map((name, i) => {
        const item = el("li", null, name);
        const worker = tl.laneWorkers?.[i];
        if (worker !== undefined && worker !== null) item.dataset["worker"] = worker;
        return item;
      }),
    );
  };
  listLanes();
  const tip = el("div", "tip");
  tip.hidden = true;
  wrap.appendChild(tip);
  parent.appendChild(wrap);

  const categories: string[] = [];
  const colorOf = (span: ReportSpan) => {
    let i = categories.indexOf(span.category);
    if (i < 0) i = categories.push(span.category) - 1;
    return colorAt(i);
  };
  const bounds = () => {
    let min = Infinity;
    let max = -Infinity;
    for (const s of tl.spans) {
      min = Math.min(min, s.start);
      max = Math.max(max, s.end);
    }
    return max > min ? [min, max] : [min - 1, min + 1];
  };
  const height = () => 60 + Math.max(1, tl.lanes.length) * LANE_PX;
  const axisSize = () => Math.min(AXIS_MAX_PX, Math.max(AXIS_MIN_PX, 16 + AXIS_CHAR_PX * tl.lanes.reduce((n, l) => Math.max(n, l.length), 0)));
  const [x0, x1] = bounds() as [number, number];
  const options: Options = {
    width: Math.max(320, target.clientWidth || parent.clientWidth || 800),
    height: height(),
    ms: 1,
    legend: { show: false },
    cursor: { drag: { x: true, y: false }, points: { show: false }, y: false },
    scales: {
      x: { time: true, auto: false, min: x0, max: x1 },
      y: { auto: false, range: () => [-0.5, Math.max(1, tl.lanes.length) - 0.5], dir: -1 },
    },
    axes: [
      { stroke: "#5b6472", space: 90, values: (_u, splits) => splits.map((v) => fmtClock(v)), grid: { stroke: "#eef0f3" } },
      {
        stroke: "#2b3340",
        size: () => axisSize(),
        grid: { show: false },
        ticks: { show: false },
        splits: () => tl.lanes.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => shorten(tl.lanes[i] ?? "")),
      },
    ],
    series: [{}, { show: false }],
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          const [min, max] = xRange(u);
          const barPx = LANE_PX * 0.62 * devicePixelRatio;
          ctx.save();
          ctx.beginPath();
          ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          ctx.clip();
          // A joined run's workers each have a band of lanes: a line where one worker's band ends.
          const workers = tl.laneWorkers;
          if (workers !== undefined) {
            ctx.strokeStyle = "#c5ccd8";
            ctx.lineWidth = devicePixelRatio;
            for (let i = 1; i < workers.length; i++) {
              if (workers[i] === workers[i - 1]) continue;
              const y = Math.round((u.valToPos(i - 1, "y", true) + u.valToPos(i, "y", true)) / 2);
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
            }
          }
          for (const span of tl.spans) {
            if (span.end < min || span.start > max) continue;
            const a = u.valToPos(span.start, "x", true);
            const b = u.valToPos(span.end, "x", true);
            const y = u.valToPos(span.lane, "y", true);
            ctx.globalAlpha = span.unfinished ? 0.45 : 0.9;
            ctx.fillStyle = colorOf(span);
            ctx.fillRect(a, y - barPx / 2, Math.max(b - a, 2), barPx);
            if (span.failed) {
              ctx.globalAlpha = 1;
              ctx.strokeStyle = "#d33";
              ctx.lineWidth = 2 * devicePixelRatio;
              ctx.strokeRect(a, y - barPx / 2, Math.max(b - a, 2), barPx);
            }
          }
          ctx.restore();
        },
      ],
      setCursor: [
        (u) => {
          const { left, top } = u.cursor;
          if (left === undefined || top === undefined || left < 0) {
            tip.hidden = true;
            return;
          }
          const t = u.posToVal(left, "x");
          const lane = Math.round(u.posToVal(top, "y"));
          const [lo, hi] = xRange(u);
          const px = hi - lo;
          const slack = (px / u.bbox.width) * 3 * devicePixelRatio;
          const span = tl.spans.find((s) => s.lane === lane && s.start - slack <= t && t <= s.end + slack);
          if (span === undefined) {
            tip.hidden = true;
            return;
          }
          tip.replaceChildren(
            el("b", null, `${span.category} ${span.id}`),
            ...(span.worker === undefined ? [] : [el("div", null, `worker ${span.worker}`)]),
            el("div", null, `${fmtDuration(span.durationMs)}${span.unfinished ? " (not finished)" : ""}${span.failed ? " · failed" : ""}`),
            el("div", "muted", `${fmtTime(span.start, true)} UTC`),
          );
          tip.style.left = `${left + axisSize() + 20}px`;
          tip.style.top = `${top + 40}px`;
          tip.hidden = false;
        },
      ],
    },
  };
  const plot = new uPlot(options, [[x0, x1], [null, null]], target);
  const setRange = (min: number, max: number) => plot.setScale("x", { min, max });
  const view = () => xRange(plot);
  buttons.back.addEventListener("click", () => {
    const [a, b] = view();
    setRange(a - (b - a) / 2, b - (b - a) / 2);
  });
  buttons.forward.addEventListener("click", () => {
    const [a, b] = view();
    setRange(a + (b - a) / 2, b + (b - a) / 2);
  });
  const zoom = (factor: number, at?: number) => {
    const [a, b] = view();
    const c = at ?? (a + b) / 2;
    setRange(c - (c - a) * factor, c + (b - c) * factor);
  };
  buttons.zoomIn.addEventListener("click", () => zoom(0.5));
  buttons.zoomOut.addEventListener("click", () => zoom(2));
  buttons.reset.addEventListener("click", () => {
    const [a, b] = bounds() as [number, number];
    setRange(a, b);
  });
  plot.over.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      const rect = plot.over.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 0.8 : 1.25, plot.posToVal(event.clientX - rect.left, "x"));
    },
    { passive: false },
  );
  const resize = new ResizeObserver(() => {
    const w = target.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: height() });
  });
  resize.observe(target);
  return {
    update(next) {
      const [a, b] = view();
      const [oldMin, oldMax] = bounds() as [number, number];
      const following = a <= oldMin && b >= oldMax;
      tl = next;
      listLanes();
      plot.setSize({ width: plot.width, height: height() });
      if (following) {
        const [min, max] = bounds() as [number, number];
        setRange(min, max);
      } else plot.redraw(false);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** A lane name that fits the axis: a long one (a worker named at length) loses its middle, keeping how it starts and its category. */
function shorten(name: string): string {
  const max = Math.floor((AXIS_MAX_PX - 16) / AXIS_CHAR_PX);
  if (name.length <= max) return name;
  const tail = Math.min(name.length - name.lastIndexOf(" · "), Math.floor(max / 2));
  return `${name.slice(0, max - tail - 1)}…${name.slice(name.length - tail)}`;
}
