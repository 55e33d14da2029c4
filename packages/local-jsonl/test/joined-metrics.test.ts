import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Experiment, type MetricPoint } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { jsonlMetricReader } from "../src/jsonl-metric-reader.js";
import { localJsonl } from "../src/jsonl-sink.js";
import { tempRoot } from "./helpers.js";

const workerScript = fileURLToPath(new URL("./fixtures/joined-metrics-worker.mjs", import.meta.url));
const prefix = "team/project/joined-metrics";
const WORKERS = 4;
const POINTS = 3_000;
const KEYS = 40;

function runWorker(root: string, rank: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [workerScript, root, String(POINTS), String(KEYS)], {
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

describe("metrics and parameters of a run joined by several processes (local JSONL)", () => {
  it(`${WORKERS} processes x ${POINTS} points into one series and ${KEYS} parameter sets each: none lost, none duplicated, each worker's in order`, async () => {
    const root = await tempRoot();
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, rank) => runWorker(root, rank)));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const reader = jsonlMetricReader({ root });
    const issues: unknown[] = [];
    const merged = await collect(reader.readMetric(prefix, "train", { onIssue: (issue) => issues.push(issue) }));
    expect(issues).toEqual([]);
    expect(merged).toHaveLength(WORKERS * POINTS);
    expect(new Set(merged.map((p) => `${p.worker}/${p.index}`)).size).toBe(WORKERS * POINTS);
    for (let rank = 0; rank < WORKERS; rank++) {
      const mine = await collect(reader.readMetric(prefix, "train", { worker: String(rank) }));
      expect(mine.map((p) => p.index)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
      expect(mine.every((p) => p.worker === String(rank) && p.data["rank"] === String(rank) && p.data["step"] === p.index)).toBe(true);
      const lastTwo = await reader.tailMetric(prefix, "train", 2, { worker: String(rank) });
      expect(lastTwo.map((p) => [p.worker, p.index])).toEqual([[String(rank), POINTS - 2], [String(rank), POINTS - 1]]);
    }
    const [info] = await reader.listMetrics(prefix);
    expect(info).toMatchObject({ name: "train", totalDataPoints: WORKERS * POINTS, nextIndex: POINTS });
    const metadata = JSON.parse(await readFile(join(root, prefix, "metrics", "train", "metadata.json"), "utf8"));
    expect(metadata).toMatchObject({ name: "train", totalDataPoints: WORKERS * POINTS, nextIndex: POINTS });

    const params = await reader.readParams(prefix);
    const expected: Record<string, number> = {};
    for (let rank = 0; rank < WORKERS; rank++) for (let k = 0; k < KEYS; k++) expected[`rank${rank}.key${k}`] = k * Math.floor(POINTS / KEYS);
    expect(params?.data).toEqual(expected);
    expect(params?.version).toBe(WORKERS * KEYS);
  }, 120_000);

  it("keeps a run of its own's metric lines as ml-dash writes them; a joined worker's series continue past the run of its own's and past its own points", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    await new Experiment({ prefix, sink }).run((exp) => {
      exp.metrics("train").log({ loss: 1 });
      exp.metrics("train").log({ loss: 2 });
    });
    const first = (await readFile(join(root, prefix, "metrics", "train", "data.jsonl"), "utf8")).split("\n")[0];
    expect(Object.keys(JSON.parse(first ?? ""))).toEqual(["index", "data", "createdAt"]);
    const a = await new Experiment({ prefix, sink, runId: "job-2", worker: "a" }).start();
    const b = await new Experiment({ prefix, sink, runId: "job-2", worker: "b" }).start();
    expect(a.metrics("train").log({ loss: 3 })).toBe(2);
    expect(b.metrics("train").log({ loss: 4 })).toBe(2);
    a.params.set({ lr: 0.1 });
    b.params.set({ momentum: 0.9 });
    await Promise.all([a.complete(), b.complete()]);
    const reader = jsonlMetricReader({ root });
    const points = await collect(reader.readMetric(prefix, "train"));
    expect(points.map((p) => [p.worker ?? null, p.index, p.data["loss"]])).toEqual([
      [null, 0, 1],
      [null, 1, 2],
      ["a", 2, 3],
      ["b", 2, 4],
    ]);
    expect(await collect(reader.readMetric(prefix, "train", { worker: "b" }))).toEqual([expect.objectContaining({ worker: "b", index: 2 })]);
    expect((await reader.readParams(prefix))?.data).toEqual({ lr: 0.1, momentum: 0.9 });
    // A worker joining later under a new name starts where the others did, not after their points.
    const c = await new Experiment({ prefix, sink, runId: "job-2", worker: "c" }).start();
    expect(c.metrics("train").log({ loss: 5 })).toBe(2);
    await c.complete();
    // The same worker in a later run continues past its own points.
    const again = await new Experiment({ prefix, sink, runId: "job-3", worker: "a" }).start();
    expect(again.metrics("train").nextIndex).toBe(3);
    await again.complete();
    // A run of its own afterwards sees every worker's parameters and continues past every index.
    await new Experiment({ prefix, sink }).run((exp) => {
      expect(exp.params.get()).toEqual({ lr: 0.1, momentum: 0.9 });
      expect(exp.metrics("train").nextIndex).toBe(3);
    });
    sink.close();
  });

  it("follows one worker's points of a joined series as they are written", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const a = await new Experiment({ prefix, sink, runId: "job-f", worker: "a", flushIntervalMs: 5 }).start();
    const b = await new Experiment({ prefix, sink, runId: "job-f", worker: "b", flushIntervalMs: 5 }).start();
    const controller = new AbortController();
    const seen: MetricPoint[] = [];
    const following = (async () => {
      for await (const point of jsonlMetricReader({ root }).followMetric(prefix, "train", { worker: "b", pollIntervalMs: 10, signal: controller.signal })) {
        seen.push(point);
        if (seen.length === 3) controller.abort();
      }
    })();
    for (let i = 0; i < 3; i++) {
      a.metrics("train").log({ loss: i });
      b.metrics("train").log({ loss: 10 + i });
      await Promise.all([a.flush(), b.flush()]);
    }
    await following;
    await Promise.all([a.complete(), b.complete()]);
    sink.close();
    expect(seen.map((p) => [p.worker, p.index, p.data["loss"]])).toEqual([
      ["b", 0, 10],
      ["b", 1, 11],
      ["b", 2, 12],
    ]);
  });
});
