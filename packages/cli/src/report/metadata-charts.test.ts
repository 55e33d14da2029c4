import { expect, it } from "vitest";
import { MetadataCharts } from "./metadata-charts.js";

it("charts values over epoch, grouping those logged together and of a similar size", () => {
  const charts = new MetadataCharts();
  for (let epoch = 1; epoch <= 4; epoch++) {
    charts.add(epoch * 1000, { epoch, train_loss: 2 / epoch, val_loss: 2.2 / epoch, learning_rate: 0.001 / epoch, note: "text" });
  }
  charts.add(5000, { gpu_memory_free_mb: 312 }); // logged once: no line to draw
  charts.add(6000, { queue: 3 });
  charts.add(7000, { queue: 5 });
  const result = charts.charts();
  expect(result.map((c) => [c.title, c.xName, c.series.map((s) => s.name)])).toEqual([
    ["train_loss, val_loss", "epoch", ["train_loss", "val_loss"]],
    ["learning_rate", "epoch", ["learning_rate"]],
    ["queue", "time", ["queue"]],
  ]);
  expect(result[0]?.series[0]?.points).toEqual([[1, 2], [2, 1], [3, 2 / 3], [4, 0.5]]);
  expect(result[2]?.series[0]?.points).toEqual([[6000, 3], [7000, 5]]);
  expect(result[2]?.x).toBe("time");
});

it("ignores non-finite numbers and null metadata", () => {
  const charts = new MetadataCharts();
  charts.add(1, null);
  charts.add(2, { step: 1, loss: "NaN" });
  expect(charts.charts()).toEqual([]);
});

it("never charts counters: progress keys, *_idx/_id/_step names, or values that only ever go up by one", () => {
  const charts = new MetadataCharts();
  for (let step = 1; step <= 50; step++) {
    charts.add(step, { epoch: 1 + Math.floor(step / 10), step, batch_idx: step % 10, sample_id: step * 7, processed: step, loss: 1 / step });
  }
  const result = charts.charts();
  expect(result.map((c) => [c.title, c.xName])).toEqual([["loss", "epoch"]]);
});

it("charts each worker of a joined run as its own series on the key's chart, so a line never jumps between workers", () => {
  const charts = new MetadataCharts();
  for (let step = 0; step < 4; step++) {
    // The ranks log the same steps, each its own loss, interleaved as they arrive.
    for (const worker of ["10", "2", "0"]) charts.add(step, { step, loss: Number(worker) + 1 / (step + 1), lr: 0.001 }, step, step + 1, worker);
  }
  charts.add(9, { step: 9, loss: 0.5, lr: 0.001 }); // a record without a worker (a run of its own on the prefix)
  charts.add(10, { step: 10, loss: 0.4, lr: 0.001 });
  const result = charts.charts();
  const loss = result.find((c) => c.title === "loss");
  expect(loss?.id).toBe("metadata-step-loss");
  expect(loss?.series.map((s) => s.name)).toEqual(["loss", "loss · 0", "loss · 2", "loss · 10"]);
  // Worker 2's line holds only worker 2's values, in step order.
  expect(loss?.series[2]?.points).toEqual([[0, 3], [1, 2.5], [2, 2 + 1 / 3], [3, 2.25]]);
  expect(result.find((c) => c.title === "lr")?.series.map((s) => s.name)).toEqual(["lr", "lr · 0", "lr · 2", "lr · 10"]);
  // A zoomed chart finds a worker's series by the name the chart shows.
  expect(charts.positionsIn("step", "loss · 2", 1, 2)?.end).toBe(3);
  expect(charts.positionsIn("step", "loss · 7", 1, 2)).toBeUndefined();
});
