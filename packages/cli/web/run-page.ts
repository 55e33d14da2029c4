import type { LiveChange, ReportChart, ReportTimeline, RunOverview } from "../src/report/report-data.js";
import { el, section, throttle } from "./dom.js";
import { lineChart, type ChartDetail, type LineChart } from "./line-chart.js";
import { logTable } from "./log-table.js";
import { renderHeader, renderParameters, renderRuns } from "./run-header.js";
import type { RunSource } from "./run-source.js";
import { timelineChart, type TimelineChart } from "./timeline-chart.js";

/**
 * At most this often a live page redraws its header and table: the live feed itself sends at
 * most every 100 ms, so a record arriving alone is drawn on the next frame, and a run written
 * nonstop costs a page ten redraws a second. (At 400 ms, records 250 ms apart each waited up
 * to 400 ms here: most of the delay twenty pages showed.)
 */
const LIVE_REDRAW_MS = 100;

const NO_METRICS = "No numbers in log metadata to plot. Log them as metadata, e.g. exp.log(\"Epoch done\", { metadata: { epoch, train_loss } }).";
const NO_STREAMS = "No numeric streams to plot. Add consumers such as memoryUsage(), cpuUsage() or eventLoopDelay() from @dashlog/events.";
const NO_SPANS = "No spans were recorded. Record them with exp.span(category, id, fn); spanDurations() or coreMetrics() of @dashlog/events store them exactly.";

/** One run: header, runs, parameters, timeline, metric and system charts, log table; live when the source is. */
export async function runPage(app: HTMLElement, source: RunSource): Promise<void> {
  const [overview, charts, timeline] = await Promise.all([source.overview(), source.charts(), source.timeline()]);
  const header = el("div", "run-header");
  app.appendChild(header);
  renderHeader(header, overview, timeline);
  const runs = el("section", "panel");
  runs.id = "runs";
  app.appendChild(runs);
  renderRuns(runs, overview);
  const params = el("section", "panel");
  params.id = "parameters";
  app.appendChild(params);
  renderParameters(params, overview);

  const logs = section(app, "Logs", "logs");
  const table = logTable(logs, source);
  table.setCounts(overview.summary.levels, overview.summary.records);
  table.setWorkers(overview.summary.workers, badWorkers(overview));

  const timelineSection = section(app, "Timeline", "timeline");
  let gantt: TimelineChart | undefined;
  const drawTimeline = (tl: ReportTimeline) => {
    if (tl.spans.length === 0) {
      if (gantt === undefined) timelineSection.replaceChildren(timelineSection.firstChild as Node, el("p", "empty", NO_SPANS));
      return;
    }
    if (gantt !== undefined) return gantt.update(tl);
    timelineSection.replaceChildren(timelineSection.firstChild as Node);
    if (tl.omitted > 0) timelineSection.appendChild(el("p", "note", `${tl.omitted.toLocaleString("en-US")} short spans are left out; the ${tl.spans.length.toLocaleString("en-US")} longest are drawn.`));
    const byWorker = tl.laneWorkers === undefined ? "" : " · lanes grouped by worker";
    timelineSection.appendChild(el("p", "hint", `from stream ${tl.source ?? "–"}${byWorker} · drag to zoom, wheel to zoom, buttons to seek, double-click to reset`));
    gantt = timelineChart(timelineSection, tl);
  };
  drawTimeline(timeline);

  const metrics = chartSection(app, "Metrics", "metrics", "metadata", NO_METRICS, source.chartDetail);
  const system = chartSection(app, "System", "system", "stream", NO_STREAMS, source.chartDetail);
  metrics.draw(charts);
  system.draw(charts);
  document.documentElement.dataset["ready"] = "true";

  if (!source.live) return;
  const refreshCharts = throttle(() => {
    void source.charts().then((c) => {
      metrics.draw(c);
      system.draw(c);
    });
  }, 2000);
  // Up to 5,000 spans: redrawn less often than the charts.
  const refreshTimeline = throttle(
    () =>
      void source.timeline().then((tl) => {
        timelineShown = tl;
        drawTimeline(tl);
      }),
    5000,
  );
  // The versions the page drew: only a change carrying another one refetches (not every page's first change).
  let chartsSeen = source.versions?.().charts ?? "";
  let timelineSeen = source.versions?.().timeline ?? "";
  let timelineShown = timeline;
  // The header and the new rows come with the change itself: a new record shows without a request.
  // Changes arriving faster than LIVE_REDRAW_MS are drawn together (their rows are all kept).
  let latest: LiveChange | undefined;
  let runsShown = JSON.stringify(overview.runs);
  // A timer, not requestAnimationFrame: with twenty pages on two busy cores, frames came late
  // enough that rows waited a second for one (measured with the dashboard benchmark).
  const redraw = throttle(() => draw(), LIVE_REDRAW_MS);
  const draw = () => {
    const change = latest;
    latest = undefined;
    if (change === undefined) return;
    const o = change.overview;
    renderHeader(header, o, timelineShown);
    const runsNow = JSON.stringify(o.runs);
    if (runsNow !== runsShown) {
      runsShown = runsNow;
      renderRuns(runs, o);
      renderParameters(params, o);
    }
    table.setCounts(o.summary.levels, o.summary.records);
    table.setWorkers(o.summary.workers, badWorkers(o));
    table.refresh();
    if (change.chartsVersion !== chartsSeen) {
      chartsSeen = change.chartsVersion;
      refreshCharts();
    }
    if (change.timelineVersion !== timelineSeen) {
      timelineSeen = change.timelineVersion;
      refreshTimeline();
    }
  };
  source.subscribe((change) => {
    if (change.newest !== null) table.prime(change.newest);
    latest = change;
    redraw();
  });
}

/** Workers of the latest run that failed or crashed: their filter buttons are marked. */
function badWorkers(o: RunOverview): Set<string> {
  return new Set((o.runs.at(-1)?.workers ?? []).filter((w) => w.status === "FAILED" || w.status === "CRASHED").map((w) => w.worker));
}

function chartSection(app: HTMLElement, title: string, id: string, kind: ReportChart["kind"], empty: string, detail: ChartDetail | undefined) {
  const s = section(app, title, id);
  const grid = el("div", "chart-grid");
  const note = el("p", "empty", empty);
  s.append(note, grid);
  const drawn = new Map<string, LineChart>();
  return {
    draw(charts: readonly ReportChart[]) {
      const list = charts.filter((c) => c.kind === kind);
      note.hidden = list.length > 0;
      for (const chart of list) {
        const existing = drawn.get(chart.id);
        if (existing === undefined) {
          drawn.set(chart.id, lineChart(grid, chart, undefined, detail));
        } else if (!existing.update(chart)) {
          // Other series than drawn (a worker's first points in a live joined run): drawn anew, in its place.
          const fresh = lineChart(grid, chart, undefined, detail);
          grid.insertBefore(fresh.element, existing.element);
          existing.destroy();
          drawn.set(chart.id, fresh);
        }
      }
    },
  };
}
