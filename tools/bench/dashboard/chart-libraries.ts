import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser } from "@dashlog/test-browser";

const require = createRequire(import.meta.url);

export interface ChartTiming {
  readonly library: string;
  readonly points: number;
  /** Milliseconds from handing the data over to the drawn frame, one per round. */
  readonly drawMs: number[];
  /** A zoom to a tenth of the range and its redraw. */
  readonly zoomMs: number[];
}

/**
 * One line of `points` points drawn by uPlot and by Apache ECharts (its own `sampling: "lttb"`
 * on, as the old report used it), each in a fresh page, timed inside the page up to the next
 * animation frame after the library says it drew.
 */
export async function chartLibraries(browser: Browser, points: number, rounds: number): Promise<ChartTiming[]> {
  const uplotJs = await readFile(join(dirname(require.resolve("uplot")), "uPlot.iife.min.js"), "utf8");
  const echartsJs = await readFile(join(dirname(require.resolve("echarts")), "echarts.min.js"), "utf8");
  const results: ChartTiming[] = [];
  for (const library of ["uPlot", "ECharts"] as const) {
    const drawMs: number[] = [];
    const zoomMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // uPlot reads navigator.language when it loads; a POSIX-locale Chromium reports one Intl rejects.
      const page = await browser.newPage({ viewport: { width: 1200, height: 500 }, locale: "en-US" });
      await page.setContent(`<div id="c" style="width:1100px;height:400px"></div>`);
      await page.addScriptTag({ content: library === "uPlot" ? uplotJs : echartsJs });
      const timing = await page.evaluate(
        async ({ library, points }) => {
          const xs = new Float64Array(points);
          const ys = new Float64Array(points);
          for (let i = 0; i < points; i++) {
            xs[i] = i;
            ys[i] = Math.sin(i / 5000) + (i % 977 === 0 ? 3 : Math.random() * 0.1);
          }
          const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
          const target = document.getElementById("c") as HTMLElement;
          const w = window as unknown as Record<string, any>;
          let t = performance.now();
          if (library === "uPlot") {
            const plot = new w["uPlot"]({ width: 1100, height: 400, scales: { x: { time: false } }, series: [{}, { stroke: "blue" }] }, [xs, ys], target);
            await frame();
            const draw = performance.now() - t;
            t = performance.now();
            plot.setScale("x", { min: points * 0.45, max: points * 0.55 });
            await frame();
            return { draw, zoom: performance.now() - t };
          }
          const chart = w["echarts"].init(target, null, { renderer: "canvas" });
          const data = new Array(points);
          for (let i = 0; i < points; i++) data[i] = [xs[i], ys[i]];
          const finished = () => new Promise((r) => chart.on("finished", () => r(undefined)));
          t = performance.now();
          let done = finished();
          chart.setOption({ animation: false, xAxis: { type: "value" }, yAxis: { type: "value" }, dataZoom: [{ type: "inside" }], series: [{ type: "line", data, showSymbol: false, sampling: "lttb" }] });
          await done;
          await frame();
          const draw = performance.now() - t;
          t = performance.now();
          done = finished();
          chart.dispatchAction({ type: "dataZoom", start: 45, end: 55 });
          await done;
          await frame();
          return { draw, zoom: performance.now() - t };
        },
        { library, points },
      );
      drawMs.push(timing.draw);
      zoomMs.push(timing.zoom);
      await page.close();
    }
    results.push({ library, points, drawMs, zoomMs });
  }
  return results;
}
