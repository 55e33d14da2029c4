import { compileMetricFilter, matchesMetricFilter, type MetricInfo, type MetricPoint, type MetricReadOptions, type MetricReader } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { NamedMetricCharts } from "./named-metric-charts.js";

/** Points held in the order they were appended (as the local file holds a joined run's), read with the readers' filter. */
class MemoryMetrics implements MetricReader {
  readonly points = new Map<string, MetricPoint[]>();
  readonly reads: { metric: string; options: MetricReadOptions }[] = [];

  append(metric: string, point: MetricPoint): void {
    const list = this.points.get(metric) ?? [];
    list.push(point);
    this.points.set(metric, list);
  }
  async listMetrics(): Promise<MetricInfo[]> {
    return [...this.points].map(([name, list]) => ({ name, totalDataPoints: list.length, nextIndex: Math.max(...list.map((p) => p.index)) + 1, createdAt: null, updatedAt: null }));
  }
  async *readMetric(_prefix: string, name: string, options: MetricReadOptions = {}): AsyncIterable<MetricPoint> {
    const asked = Object.entries({ fromIndex: options.fromIndex, toIndex: options.toIndex, worker: options.worker }).filter(([, v]) => v !== undefined);
    this.reads.push({ metric: name, options: Object.fromEntries(asked) as MetricReadOptions });
    const filter = compileMetricFilter(options);
    for (const p of this.points.get(name) ?? []) if (matchesMetricFilter(p, filter)) yield p;
  }
  tailMetric(): Promise<MetricPoint[]> {
    throw new Error("not used");
  }
  followMetric(): AsyncIterable<MetricPoint> {
    throw new Error("not used");
  }
  async readParams(): Promise<null> {
    return null;
  }
}

const at = (step: number) => new Date(Date.UTC(2025, 0, 1) + step * 1000).toISOString();
/** Worker w's loss at a step: worker 0 near 1, worker 1 near 5, so a line jumping between them would be plain. */
const loss = (worker: number, step: number) => worker * 4 + 1 + 1 / (step + 1);

/** `steps` steps of `workers` workers, each numbering its own points, appended interleaved; worker 1 one step behind. */
function joined(metrics: MemoryMetrics, workers: number, steps: number, fromStep = 0): void {
  for (let step = fromStep; step < steps; step++) {
    for (let w = 0; w < workers; w++) metrics.append("train", { index: step, data: { step, loss: loss(w, step) }, createdAt: at(step), worker: String(w) });
  }
}

describe("named metric series of a joined run", () => {
  it("charts one curve per worker, each holding only its own points in step order", async () => {
    const metrics = new MemoryMetrics();
    joined(metrics, 3, 10);
    const charts = new NamedMetricCharts(metrics, "p");
    expect(await charts.update()).toEqual({ read: 30, charted: 30 });
    const [chart] = charts.charts();
    expect(chart?.id).toBe("metrics-step-train.loss");
    expect(chart?.series.map((s) => s.name)).toEqual(["train.loss · 0", "train.loss · 1", "train.loss · 2"]);
    for (let w = 0; w < 3; w++) expect(chart?.series[w]?.points).toEqual(Array.from({ length: 10 }, (_, step) => [step, loss(w, step)]));
  });

  it("charts a run of its own as one series per key, as before", async () => {
    const metrics = new MemoryMetrics();
    for (let step = 0; step < 5; step++) metrics.append("train", { index: step, data: { step, loss: loss(0, step) }, createdAt: at(step) });
    const charts = new NamedMetricCharts(metrics, "p");
    await charts.update();
    expect(charts.charts().map((c) => [c.id, c.series.map((s) => s.name)])).toEqual([["metrics-step-train.loss", ["train.loss"]]]);
    // Nothing new: no read at all.
    metrics.reads.length = 0;
    expect(await charts.update()).toEqual({ read: 0, charted: 0 });
    expect(metrics.reads).toEqual([]);
  });

  it("reads a live joined run's new points once each, a worker behind the others and one joining late included", async () => {
    const metrics = new MemoryMetrics();
    joined(metrics, 2, 6);
    const charts = new NamedMetricCharts(metrics, "p");
    await charts.update();
    // Worker 0 runs ahead to step 9; worker 1 catches up to step 7; worker 2 joins with steps 0 and 1.
    for (let step = 6; step < 10; step++) metrics.append("train", { index: step, data: { step, loss: loss(0, step) }, createdAt: at(step), worker: "0" });
    for (let step = 6; step < 8; step++) metrics.append("train", { index: step, data: { step, loss: loss(1, step) }, createdAt: at(step), worker: "1" });
    for (let step = 0; step < 2; step++) metrics.append("train", { index: step, data: { step, loss: loss(2, step) }, createdAt: at(step), worker: "2" });
    expect(await charts.update()).toEqual({ read: 8, charted: 8 });
    const series = charts.charts()[0]?.series ?? [];
    expect(series.map((s) => [s.name, s.points.map(([x]) => x)])).toEqual([
      ["train.loss · 0", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
      ["train.loss · 1", [0, 1, 2, 3, 4, 5, 6, 7]],
      ["train.loss · 2", [0, 1]],
    ]);
    // Worker 1 goes on: read from its index, worker 0's points of those indices dropped.
    metrics.append("train", { index: 8, data: { step: 8, loss: loss(1, 8) }, createdAt: at(8), worker: "1" });
    expect(await charts.update()).toEqual({ read: 1, charted: 1 });
    expect(charts.charts()[0]?.series[1]?.points.at(-1)).toEqual([8, loss(1, 8)]);
  });

  it("on a store with indexed reads, reads each worker from its own index: a worker that stopped early holds no read down", async () => {
    for (const readsByWorker of [false, true]) {
      const metrics = new MemoryMetrics();
      joined(metrics, 2, 3);
      const charts = new NamedMetricCharts(metrics, "p", { readsByWorker });
      await charts.update();
      // Worker 1 stops at step 2; worker 0 goes on to step 999; then worker 2 joins at its index 0.
      for (let step = 3; step < 1000; step++) metrics.append("train", { index: step, data: { step, loss: loss(0, step) }, createdAt: at(step), worker: "0" });
      await charts.update();
      metrics.append("train", { index: 1000, data: { step: 1000, loss: loss(0, 1000) }, createdAt: at(1000), worker: "0" });
      for (let step = 0; step < 2; step++) metrics.append("train", { index: step, data: { step, loss: loss(2, step) }, createdAt: at(step), worker: "2" });
      metrics.reads.length = 0;
      expect(await charts.update()).toEqual({ read: 3, charted: 3 });
      const series = charts.charts()[0]?.series ?? [];
      expect(series.map((s) => [s.name, s.points.length])).toEqual([
        ["train.loss · 0", 1001],
        ["train.loss · 1", 3],
        ["train.loss · 2", 2],
      ]);
      if (!readsByWorker) {
        // One read from worker 1's index 3 (every point above it again), then the range below it for the new worker.
        expect(metrics.reads.map((r) => r.options)).toEqual([{ fromIndex: 3 }, { fromIndex: 0, toIndex: 2 }]);
      } else {
        // Each worker from its own index, then anything from the highest; the new worker below it once.
        expect(metrics.reads.map((r) => r.options)).toEqual([
          { fromIndex: 1000, worker: "0" },
          { fromIndex: 3, worker: "1" },
          { fromIndex: 1000 },
          { fromIndex: 0, toIndex: 999 },
        ]);
      }
    }
  });

  it("reads a zoomed range again per worker, by that worker's indices", async () => {
    const metrics = new MemoryMetrics();
    joined(metrics, 2, 3000);
    const charts = new NamedMetricCharts(metrics, "p");
    await charts.update();
    const whole = charts.charts()[0];
    if (whole === undefined) throw new Error("no chart");
    // 3,000 points a worker are bucketed: the whole chart holds fewer than every step.
    expect(whole.series[0]?.points.length).toBeLessThan(3000);
    metrics.reads.length = 0;
    const zoomed = await charts.detail(whole, 1000, 1100);
    expect(zoomed?.series.map((s) => s.name)).toEqual(["train.loss · 0", "train.loss · 1"]);
    for (let w = 0; w < 2; w++) expect(zoomed?.series[w]?.points).toEqual(Array.from({ length: 101 }, (_, i) => [1000 + i, loss(w, 1000 + i)]));
    // One read per worker, filtered to it.
    expect(metrics.reads.map((r) => r.options.worker).sort()).toEqual(["0", "1"]);
    for (const r of metrics.reads) expect(r.options.toIndex! - r.options.fromIndex!).toBeLessThan(200);
    // Past the last step: nothing of it to draw (the last bucket reaches any later x, so its points are read and left out).
    expect((await charts.detail(whole, 5000, 6000))?.series.flatMap((s) => s.points) ?? []).toEqual([]);
  });

  it("zooms a run of its own without a worker filter, and keeps out points of workers in the same indices", async () => {
    const metrics = new MemoryMetrics();
    for (let step = 0; step < 3000; step++) metrics.append("train", { index: step, data: { step, loss: loss(0, step) }, createdAt: at(step) });
    const charts = new NamedMetricCharts(metrics, "p");
    await charts.update();
    const whole = charts.charts()[0];
    if (whole === undefined) throw new Error("no chart");
    // A joined run on the same prefix later: its workers' indices overlap the run of its own's.
    joined(metrics, 1, 3000);
    metrics.reads.length = 0;
    const zoomed = await charts.detail(whole, 1000, 1010);
    expect(metrics.reads.map((r) => r.options.worker)).toEqual([undefined]);
    expect(zoomed?.series[0]?.points).toEqual(Array.from({ length: 11 }, (_, i) => [1000 + i, loss(0, 1000 + i)]));
  });

  it("refuses a range holding more points than the detail budget", async () => {
    const metrics = new MemoryMetrics();
    joined(metrics, 2, 3000);
    const charts = new NamedMetricCharts(metrics, "p", { maxDetailPoints: 100 });
    await charts.update();
    const whole = charts.charts()[0];
    if (whole === undefined) throw new Error("no chart");
    expect(await charts.detail(whole, 0, 30)).toBeDefined();
    expect(await charts.detail(whole, 0, 60)).toBeUndefined();
  });
});
