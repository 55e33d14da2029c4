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
