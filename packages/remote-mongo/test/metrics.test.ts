import { existsSync } from "node:fs";
import { Experiment, manualClock } from "@dashlog/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mongoMetricReader, mongoSink, type MongoSinkOptions } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, exactlyOnceProblems, startTarget, until, type MongoTarget } from "./helpers/mongo-target.js";
import { faultSinkOptions } from "./helpers/fault-sink-options.js";

let target: MongoTarget;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  target = await startTarget("metrics");
});
afterAll(async () => {
  await target.close();
});
afterEach(async () => {
  await target.proxy.restart();
  target.proxy.resume();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function sinkOptions(extra: Partial<MongoSinkOptions> = {}): Promise<MongoSinkOptions> {
  return faultSinkOptions(target, cleanups, extra);
}

function reader() {
  const r = mongoMetricReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
  cleanups.push(() => r.close());
  return r;
}

async function storedIndexes(experiment: string, metric: string): Promise<number[]> {
  const docs = await target.client.db(target.database).collection("metrics").find({ experiment, metric }).toArray();
  return docs.map((d) => d["index"] as number).sort((a, b) => a - b);
}

describe("metrics and parameters in MongoDB", () => {
  it("stores points and parameter changes, continues their numbering across runs and reads them back", async () => {
    const prefix = "metrics/basic";
    const clock = manualClock(Date.UTC(2025, 9, 29, 10, 30, 0));
    const sink = mongoSink(await sinkOptions());
    const experiment = new Experiment({ prefix, sink, clock });
    await experiment.run((exp) => {
      exp.params.set({ lr: 0.001, model: { name: "resnet" } });
      for (let step = 0; step < 5; step++) {
        exp.metrics("train").log({ loss: 1 / (step + 1), step });
        clock.advance(1000);
      }
      exp.metrics.log({ epoch: 1, eval: { "acc.top1": 0.5 } });
      exp.log("epoch done");
    });
    await experiment.run((exp) => {
      expect(exp.metrics("train").nextIndex).toBe(5);
      expect(exp.params.get()).toEqual({ lr: 0.001, "model.name": "resnet" });
      exp.metrics("train").log({ loss: 0.1, step: 5 });
      exp.params.set({ lr: 0.0001 });
    });
    await sink.close();

    const r = reader();
    expect((await r.listMetrics(prefix)).map((m) => [m.name, m.totalDataPoints, m.nextIndex])).toEqual([
      ["eval", 1, 1],
      ["train", 6, 6],
    ]);
    const all = [];
    for await (const point of r.readMetric(prefix, "train")) all.push(point);
    expect(all.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(all[1]).toEqual({ index: 1, data: { loss: 0.5, step: 1 }, createdAt: "2025-10-29T10:30:01.000Z" });
    const ranged = [];
    for await (const point of r.readMetric(prefix, "train", { fromIndex: 2, toIndex: 3 })) ranged.push(point.index);
    expect(ranged).toEqual([2, 3]);
    const timed = [];
    for await (const point of r.readMetric(prefix, "train", { since: "2025-10-29T10:30:03Z", until: "2025-10-29T10:30:04Z" })) timed.push(point.index);
    expect(timed).toEqual([3, 4]);
    expect((await r.tailMetric(prefix, "train", 2)).map((p) => p.index)).toEqual([4, 5]);
    const controller = new AbortController();
    const followed: number[] = [];
    for await (const point of r.followMetric(prefix, "train", { tail: 2, pollIntervalMs: 20, signal: controller.signal })) {
      followed.push(point.index);
      if (followed.length === 2) controller.abort();
    }
    expect(followed).toEqual([4, 5]);
    const evalPoints = [];
    for await (const point of r.readMetric(prefix, "eval")) evalPoints.push(point.data);
    // A dotted key is stored escaped and read back as written.
    expect(evalPoints).toEqual([{ epoch: 1, "acc.top1": 0.5 }]);
    expect(await r.readParams(prefix)).toMatchObject({ version: 2, data: { lr: 0.0001, "model.name": "resnet" } });
    const indexes = await target.client.db(target.database).collection("metrics").indexes();
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(["experiment_metric_index_worker_unique", "experiment_metric_worker_index", "experiment_metric_createdAt"]));
    // The log kept its own numbering: metrics took none of it.
    const logs = await target.client.db(target.database).collection("logs").find({ experiment: prefix }).toArray();
    expect(logs.map((d) => d["sequenceNumber"])).toEqual([0]);
  });

  it("spools points and parameter changes through an outage and replays them exactly once; a later run continues after the spool", async () => {
    const prefix = "metrics/outage";
    const options = await sinkOptions({ batchSize: 50, maxQueueLength: 100, flushTimeoutMs: 300, closeTimeoutMs: 300 });
    const sink = mongoSink(options);
    const experiment = new Experiment({ prefix, sink });
    const run = await experiment.start();
    run.metrics("train").log({ loss: 1 });
    await run.flush();
    await until(() => sink.stats.inserted >= 1, "the first point");
    await target.proxy.stop();
    for (let i = 1; i < 500; i++) {
      run.metrics("train").log({ loss: 1 / i });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    run.params.set({ lr: 0.5 });
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(false);
    expect(existsSync(`${options.spoolDir}/pending/metrics/outage/.metrics/train.jsonl`)).toBe(true);
    expect(existsSync(`${options.spoolDir}/pending/metrics/outage/.metrics/@params.jsonl`)).toBe(true);
    await target.proxy.restart();

    const again = mongoSink(options);
    const next = await new Experiment({ prefix, sink: again }).start();
    // Numbering continues after what waits in the spool, not after what MongoDB has.
    expect(next.metrics("train").nextIndex).toBe(500);
    next.metrics("train").log({ loss: 0 });
    next.params.set({ lr: 0.25 });
    await next.complete();
    const second = await again.closeWithReport();
    expect(second.complete).toBe(true);
    expect(exactlyOnceProblems(await storedIndexes(prefix, "train"), 501)).toBe("");
    expect(await reader().readParams(prefix)).toMatchObject({ version: 2, data: { lr: 0.25 } });
  });
});
