import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Experiment, type MetricPoint } from "@dashlog/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mongoMetricReader, mongoSink, type MongoSinkOptions } from "../src/index.js";
import { ensureBuilt } from "./helpers/ensure-built.js";
import { faultSinkOptions } from "./helpers/fault-sink-options.js";
import { TEST_CLIENT_OPTIONS, startTarget, until, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const WRITER = fileURLToPath(new URL("./fixtures/joined-metrics-writer.mjs", import.meta.url));
const WORKERS = 4;
const POINTS = 2_000;
const KEYS = 30;

let target: MongoTarget;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  ensureBuilt();
  target = await startTarget("joined-metrics");
});
afterAll(async () => {
  await target.close();
});
afterEach(async () => {
  await target.proxy.restart();
  target.proxy.resume();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function reader(pageSize?: number) {
  const r = mongoMetricReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS, ...(pageSize === undefined ? {} : { pageSize }) });
  cleanups.push(() => r.close());
  return r;
}

function sinkOptions(extra: Partial<MongoSinkOptions> = {}): Promise<MongoSinkOptions> {
  return faultSinkOptions(target, cleanups, extra);
}

async function runWorker(prefix: string, rank: number): Promise<{ code: number | null; stderr: string }> {
  // Each worker its own spool: processes that share nothing but the server.
  const spool = await tempDir();
  cleanups.push(spool.remove);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [WRITER, target.uri, target.database, spool.path, prefix, String(POINTS), String(KEYS)], {
      env: { ...process.env, RANK: String(rank), DASHLOG_RUN_ID: "job-m" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

async function collect(points: AsyncIterable<MetricPoint>): Promise<MetricPoint[]> {
  const all: MetricPoint[] = [];
  for await (const point of points) all.push(point);
  return all;
}

describe("metrics and parameters of a run joined by several processes (MongoDB)", () => {
  it(`${WORKERS} processes x ${POINTS} points into one series and ${KEYS} parameter sets each: none lost, none duplicated, each worker's in order`, async () => {
    const prefix = "team/project/joined-metrics";
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, rank) => runWorker(prefix, rank)));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const metrics = reader(700);
    const merged = await collect(metrics.readMetric(prefix, "train"));
    expect(merged).toHaveLength(WORKERS * POINTS);
    expect(new Set(merged.map((p) => `${p.worker}/${p.index}`)).size).toBe(WORKERS * POINTS);
    // The merged view is in (index, worker) order: the workers' points of one step side by side.
    expect(merged.slice(0, WORKERS).map((p) => [p.index, p.worker])).toEqual(Array.from({ length: WORKERS }, (_, rank) => [0, String(rank)]));
    for (let rank = 0; rank < WORKERS; rank++) {
      const mine = await collect(metrics.readMetric(prefix, "train", { worker: String(rank) }));
      expect(mine.map((p) => p.index)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
      expect(mine.every((p) => p.worker === String(rank) && p.data["rank"] === String(rank) && p.data["step"] === p.index)).toBe(true);
      const lastTwo = await metrics.tailMetric(prefix, "train", 2, { worker: String(rank) });
      expect(lastTwo.map((p) => [p.worker, p.index])).toEqual([[String(rank), POINTS - 2], [String(rank), POINTS - 1]]);
    }
    const params = await metrics.readParams(prefix);
    const expected: Record<string, number> = {};
    for (let rank = 0; rank < WORKERS; rank++) for (let k = 0; k < KEYS; k++) expected[`rank${rank}.key${k}`] = k * Math.floor(POINTS / KEYS);
    expect(params?.data).toEqual(expected);
    expect(params?.version).toBe(WORKERS * KEYS);
  }, 300_000);

  it("follows a joined series without passing over a slow worker's points, and a run of its own afterwards continues past every index", async () => {
    const prefix = "team/project/joined-follow";
    const sink = mongoSink(await sinkOptions());
    cleanups.push(() => sink.close());
    await new Experiment({ prefix, sink }).run((exp) => {
      exp.metrics("train").log({ loss: 0 });
      exp.params.set({ lr: 0.1 });
    });
    const fast = await new Experiment({ prefix, sink, runId: "job-f", worker: "fast" }).start();
    const slow = await new Experiment({ prefix, sink, runId: "job-f", worker: "slow" }).start();
    const controller = new AbortController();
    const seen: MetricPoint[] = [];
    const following = (async () => {
      for await (const point of reader(2).followMetric(prefix, "train", { pollIntervalMs: 10, signal: controller.signal })) seen.push(point);
    })();
    for (let i = 0; i < 10; i++) fast.metrics("train").log({ loss: i });
    await fast.flush();
    await until(() => seen.length >= 11, "the fast worker's points");
    for (let i = 0; i < 3; i++) slow.metrics("train").log({ loss: i });
    fast.params.set({ momentum: 0.9 });
    slow.params.set({ batch: 64 });
    await Promise.all([fast.complete(), slow.complete()]);
    await until(() => seen.length >= 14, "the slow worker's points");
    controller.abort();
    await following;
    expect(seen.map((p) => `${p.worker ?? "-"}:${p.index}`).sort()).toEqual(
      ["-:0", ...Array.from({ length: 10 }, (_, i) => `fast:${i + 1}`), ...Array.from({ length: 3 }, (_, i) => `slow:${i + 1}`)].sort(),
    );
    expect(await reader().readParams(prefix)).toMatchObject({ data: { lr: 0.1, momentum: 0.9, batch: 64 }, version: 3 });
    await new Experiment({ prefix, sink }).run((exp) => {
      expect(exp.params.get()).toEqual({ lr: 0.1, momentum: 0.9, batch: 64 });
      expect(exp.metrics("train").nextIndex).toBe(11);
    });
  });

  it("spools a joined worker's points and parameters through an outage and replays them once, worker kept", async () => {
    const prefix = "team/project/joined-outage";
    const options = await sinkOptions({ batchSize: 50, maxQueueLength: 100, flushTimeoutMs: 300, closeTimeoutMs: 300 });
    const sink = mongoSink(options);
    const run = await new Experiment({ prefix, sink, runId: "job-o", worker: "w1" }).start();
    run.metrics("train").log({ loss: 1 });
    await run.flush();
    await until(() => sink.stats.inserted >= 1, "the first point");
    await target.proxy.stop();
    for (let i = 1; i < 300; i++) {
      run.metrics("train").log({ loss: 1 / i });
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    run.params.set({ lr: 0.5 });
    await run.complete();
    expect((await sink.closeWithReport()).complete).toBe(false);
    await target.proxy.restart();

    const again = mongoSink(options);
    const other = await new Experiment({ prefix, sink: again, runId: "job-o", worker: "w2" }).start();
    other.params.set({ momentum: 0.9 });
    other.metrics("train").log({ loss: 0 });
    await other.complete();
    expect((await again.closeWithReport()).complete).toBe(true);
    const points = await collect(reader().readMetric(prefix, "train", { worker: "w1" }));
    expect(points.map((p) => p.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(await reader().readParams(prefix)).toMatchObject({ data: { lr: 0.5, momentum: 0.9 }, version: 2 });
  });
});
