import { describe, expect, it } from "vitest";
import { manualClock } from "./clock.js";
import { InvalidArgumentError, InvalidMetadataError, InvalidPrefixError, RunStateError } from "./errors.js";
import { Experiment } from "./experiment.js";
import type { DashlogIssue } from "./issues.js";
import { MemorySink } from "./memory-sink.js";
import { ROOT_METRIC } from "./metric-batches.js";
import { flattenParams, unflattenParams } from "./params.js";
import type { RecordBatch, Sink } from "./sink.js";

const prefix = "alice/project/metrics";

function setup(sink: Sink = new MemorySink()) {
  const issues: DashlogIssue[] = [];
  const clock = manualClock(Date.UTC(2025, 9, 29, 10, 30, 0));
  const experiment = new Experiment({ prefix, sink, clock, onIssue: (i) => issues.push(i) });
  return { issues, clock, experiment };
}

describe("exp.metrics", () => {
  it("appends points to named series with indexes that continue across runs", async () => {
    const sink = new MemorySink();
    const { experiment, clock } = setup(sink);
    await experiment.run((exp) => {
      expect(exp.metrics("train").log({ loss: 0.5, step: 1 })).toBe(0);
      clock.advance(1000);
      expect(exp.metrics("train").log({ loss: 0.4, step: 2 })).toBe(1);
      expect(exp.metrics("eval").log({ loss: 0.6 })).toBe(0);
    });
    await experiment.run((exp) => {
      expect(exp.metrics("train").nextIndex).toBe(2);
      expect(exp.metrics("train").log({ loss: 0.3 })).toBe(2);
    });
    expect(sink.metric(prefix, "train")).toEqual([
      { sequenceNumber: 0, data: { loss: 0.5, step: 1 }, createdAt: "2025-10-29T10:30:00.000Z" },
      { sequenceNumber: 1, data: { loss: 0.4, step: 2 }, createdAt: "2025-10-29T10:30:01.000Z" },
      { sequenceNumber: 2, data: { loss: 0.3 }, createdAt: "2025-10-29T10:30:01.000Z" },
    ]);
    expect(sink.metricNames(prefix).sort()).toEqual(["eval", "train"]);
    // Metrics take no sequence numbers from the log.
    expect(sink.streams(prefix)).toEqual([]);
  });

  it("metrics.log writes each group with the plain fields included, and plain fields alone to the unnamed series", async () => {
    const sink = new MemorySink();
    await setup(sink).experiment.run((exp) => {
      exp.metrics.log({ epoch: 1, train: { loss: 0.5 }, eval: { loss: 0.7, accuracy: 0.5 } });
      exp.metrics.log({ epoch: 2 });
    });
    expect(sink.metric(prefix, "train").map((p) => p.data)).toEqual([{ epoch: 1, loss: 0.5 }]);
    expect(sink.metric(prefix, "eval").map((p) => p.data)).toEqual([{ epoch: 1, loss: 0.7, accuracy: 0.5 }]);
    expect(sink.metric(prefix, ROOT_METRIC).map((p) => p.data)).toEqual([{ epoch: 2 }]);
  });

  it("copies the data like metadata and refuses what JSON cannot hold, naming the field", async () => {
    const sink = new MemorySink();
    await setup(sink).experiment.run((exp) => {
      const data = { loss: Number.NaN, when: new Date(0), list: [1, 2] };
      exp.metrics("train").log(data);
      data.list.push(3);
      expect(() => exp.metrics("train").log({ big: 1n })).toThrow(InvalidMetadataError);
      expect(() => exp.metrics("train").log({ big: 1n })).toThrow(/metrics\("train"\) data\.big/);
      expect(() => exp.metrics("train").log(5 as never)).toThrow(InvalidArgumentError);
      expect(() => exp.metrics("../escape")).toThrow(InvalidPrefixError);
      // A bad group leaves the good one unwritten too.
      expect(() => exp.metrics.log({ epoch: 1, train: { loss: 1 }, eval: { f: () => 1 } })).toThrow(InvalidMetadataError);
    });
    expect(sink.metric(prefix, "train").map((p) => p.data)).toEqual([{ loss: "NaN", when: "1970-01-01T00:00:00.000Z", list: [1, 2] }]);
  });

  it("drops, counts and reports points and parameters after the run ended, without throwing into the caller", async () => {
    const sink = new MemorySink();
    const { experiment, issues } = setup(sink);
    const run = await experiment.start();
    await run.complete();
    expect(run.metrics("train").log({ loss: 1 })).toBe(-1);
    run.metrics.log({ epoch: 1, eval: { loss: 2 } });
    expect(run.params.set({ lr: 1 })).toBe(run.params);
    expect(run.droppedAfterEnd).toBe(3);
    const reported = issues.filter((issue) => issue.name === "after end").map((issue) => issue.error);
    expect(reported).toHaveLength(3);
    expect(reported.every((error) => error instanceof RunStateError)).toBe(true);
    expect(String((reported[2] as Error).message)).toMatch(/^params\.set\(\) in run .* after it ended \(COMPLETED\): dropped \(3 so far\)$/);
    expect(sink.metric(prefix, "train")).toEqual([]);
  });

  it("reports once and drops points when the sink stores no metrics", async () => {
    const written: RecordBatch[] = [];
    const sink: Sink = { write: (batches) => void written.push(...batches) };
    const { experiment, issues } = setup(sink);
    await experiment.run((exp) => {
      exp.metrics("train").log({ loss: 1 });
      exp.metrics("train").log({ loss: 2 });
      exp.params.set({ lr: 1 });
      exp.log("still logged");
    });
    expect(written.map((b) => b.stream)).toEqual(["logs"]);
    expect(issues.filter((i) => i.name === "metrics")).toHaveLength(2);
    expect((issues[0]?.error as Error | undefined)?.message).toMatch(/does not store metrics or parameters/);
  });
});

describe("exp.params", () => {
  it("merges flattened keys, keeps them across runs and answers get() from memory", async () => {
    const sink = new MemorySink();
    const { experiment } = setup(sink);
    await experiment.run((exp) => {
      exp.params.set({ lr: 0.001, model: { name: "resnet", layers: [1, 2] } });
      exp.params.set({ model: { name: "vit" }, "optimizer.name": "adam" });
      expect(exp.params.get()).toEqual({ lr: 0.001, "model.name": "vit", "model.layers": [1, 2], "optimizer.name": "adam" });
    });
    await experiment.run((exp) => {
      expect(exp.params.get({ nested: true })).toEqual({ lr: 0.001, model: { name: "vit", layers: [1, 2] }, optimizer: { name: "adam" } });
      const copy = exp.params.get();
      (copy["model.layers"] as number[]).push(3);
      expect(exp.params.get()["model.layers"]).toEqual([1, 2]);
    });
    expect(sink.records(prefix, "@params").map((r) => r.sequenceNumber)).toEqual([0, 1]);
    expect(sink.params(prefix)).toEqual({ lr: 0.001, "model.name": "vit", "model.layers": [1, 2], "optimizer.name": "adam" });
  });

  it("refuses values JSON cannot hold and empty key segments, with typed errors", async () => {
    await setup().experiment.run((exp) => {
      expect(() => exp.params.set({ f: () => 1 })).toThrow(/params\.f/);
      expect(() => exp.params.set([] as never)).toThrow(InvalidArgumentError);
      expect(() => exp.params.set({ "a..b": 1 })).toThrow(InvalidMetadataError);
      expect(exp.params.get()).toEqual({});
    });
  });
});

describe("flattenParams / unflattenParams", () => {
  it("round-trips nested objects and keeps a value that is also a parent flat", () => {
    expect(flattenParams({ a: { b: 1, c: { d: [1] } }, e: {} })).toEqual({ "a.b": 1, "a.c.d": [1], e: {} });
    expect(unflattenParams({ "a.b": 1, "a.c.d": [1] })).toEqual({ a: { b: 1, c: { d: [1] } } });
    expect(unflattenParams({ a: 1, "a.b": 2 })).toEqual({ a: 1, "a.b": 2 });
    const proto = unflattenParams({ "__proto__.x": 1 });
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });
});
