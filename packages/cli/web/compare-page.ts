import uPlot, { type AlignedData } from "uplot";
import type { ReportChart } from "../src/report/report-data.js";
import type { Api } from "./api-source.js";
import { el, throttle } from "./dom.js";
import { fmtClock, fmtNumber } from "./format.js";
import { colorAt } from "./palette.js";

interface Choice {
  readonly metric: string;
  readonly xName: string;
}

/** Several runs' metric, overlaid on one chart; live, like a run page. */
export async function comparePage(app: HTMLElement, api: Api, prefixes: readonly string[]): Promise<void> {
  const header = el("header", "top");
  header.appendChild(el("h1", "prefix", `Compare ${prefixes.length} runs`));
  const list = el("ul", "compare-runs");
  prefixes.forEach((p, i) => {
    const item = el("li");
    const swatch = el("span", "swatch");
    swatch.style.background = colorAt(i);
    item.appendChild(swatch);
    const link = el("a", null, p);
    link.href = api.url("/run", { p });
    item.appendChild(link);
    list.appendChild(item);
  });
  header.appendChild(list);
  const picker = el("select", "metric-picker");
  picker.id = "metric";
  picker.setAttribute("aria-label", "Metric");
  header.appendChild(picker);
  app.appendChild(header);
  const target = el("div", "chart compare-chart");
  target.dataset["chart"] = "compare";
  app.appendChild(target);

  const sources = prefixes.map((p) => api.run(p));
  let charts: (readonly ReportChart[])[] = await Promise.all(sources.map((s) => s.charts()));
  const choices = (): Choice[] => {
    const seen = new Map<string, Choice>();
    for (const run of charts) for (const c of run) if (c.kind === "metadata") for (const s of c.series) seen.set(`${s.name}\u0000${c.xName}`, { metric: s.name, xName: c.xName });
    return [...seen.values()].sort((a, b) => a.metric.localeCompare(b.metric));
  };
  const fillPicker = () => {
    const current = picker.value;
    picker.replaceChildren(
      ...choices().map((c) => {
        const option = el("option", null, `${c.metric} over ${c.xName}`);
        option.value = `${c.metric}\u0000${c.xName}`;
        return option;
      }),
    );
    if (current !== "" && [...picker.options].some((o) => o.value === current)) picker.value = current;
  };
  let plot: uPlot | undefined;
  const draw = () => {
    plot?.destroy();
    plot = undefined;
    const [metric, xName] = picker.value.split("\u0000") as [string, string];
    if (metric === undefined || metric === "") {
      target.replaceChildren(el("p", "empty", "These runs log no numeric metadata to compare."));
      return;
    }
    target.replaceChildren();
    const tables = charts.map((run): AlignedData => {
      const series = run.find((c) => c.kind === "metadata" && c.xName === xName && c.series.some((s) => s.name === metric))?.series.find((s) => s.name === metric);
      const points = series?.points ?? [];
      return [points.map((p) => p[0]), points.map((p) => p[1])];
    });
    const time = xName === "time";
    plot = new uPlot(
      {
        width: Math.max(400, app.clientWidth - 40),
        height: 360,
        ms: 1,
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time } },
        axes: [
          { label: xName, values: (_u, s) => s.map((v) => (time ? fmtClock(v) : fmtNumber(v))) },
          { label: metric, size: 70, values: (_u, s) => s.map(fmtNumber) },
        ],
        series: [{ label: xName }, ...prefixes.map((p, i) => ({ label: p, stroke: colorAt(i), width: 1.5, spanGaps: true }))],
      },
      uPlot.join(tables),
      target,
    );
  };
  picker.addEventListener("change", draw);
  fillPicker();
  draw();
  document.documentElement.dataset["ready"] = "true";
  const refresh = throttle(() => {
    void Promise.all(sources.map((s) => s.charts())).then((next) => {
      charts = next;
      const before = picker.options.length;
      fillPicker();
      if (before !== picker.options.length || plot === undefined) draw();
      else plot.setData(uPlot.join(charts.map((run) => tablesFor(run, picker.value))));
    });
  }, 1000);
  // Only when some run's charts would come out different, not on every record.
  const seen = sources.map((s) => s.versions?.().charts ?? "");
  sources.forEach((s, i) =>
    s.subscribe((change) => {
      if (change.chartsVersion === seen[i]) return;
      seen[i] = change.chartsVersion;
      refresh();
    }),
  );
}

function tablesFor(run: readonly ReportChart[], choice: string): AlignedData {
  const [metric, xName] = choice.split("\u0000") as [string, string];
  const points = run.find((c) => c.kind === "metadata" && c.xName === xName && c.series.some((s) => s.name === metric))?.series.find((s) => s.name === metric)?.points ?? [];
  return [points.map((p) => p[0]), points.map((p) => p[1])];
}
