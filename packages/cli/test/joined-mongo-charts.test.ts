import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { MongoTestServer } from "@dashlog/mongo-test-server";
import { mongoSink } from "@dashlog/remote-mongo";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RunIndex } from "../src/dashboard/run-index.js";
import type { ExperimentStore } from "../src/experiment-store.js";
import { mongoStore } from "../src/mongo-store.js";

// A joined run's named metric series on MongoDB, as the dashboard reads it: one curve per worker,
// new points read per worker (the store reads a worker's points from its index), zoom per worker.
const PREFIX = "team/ddp/mongo-joined";
const STEPS = 50;
const loss = (rank: number, step: number) => 2 * rank + 1 + 1 / (step + 1);

let server: MongoTestServer;
let store: ExperimentStore;
let spool: string;
let uri: string;

beforeAll(async () => {
  server = await MongoTestServer.start();
  uri = server.uri.replace(/\/?(\?|$)/, "/cli_joined_charts$1");
  spool = await mkdtemp(join(tmpdir(), "dashlog-cli-spool-"));
  store = await mongoStore(uri);
});
afterAll(async () => {
  await store?.close();
  await server?.close();
  await rm(spool, { recursive: true, force: true });
});

async function log(workers: readonly string[], from: number, to: number, complete: boolean): Promise<void> {
  const sink = mongoSink({ uri, spoolDir: spool, flushIntervalMs: 5 });
  try {
    const runs = await Promise.all(workers.map((worker) => new Experiment({ prefix: PREFIX, sink, runId: "job-9", worker }).start()));
    for (let step = from; step < to; step++) runs.forEach((exp, i) => exp.metrics("train").log({ step, loss: loss(Number(workers[i]), step) }));
    if (complete) await Promise.all(runs.map((exp) => exp.complete()));
    else await Promise.all(runs.map((exp) => exp.flush()));
  } finally {
    await sink.close();
  }
}

it("charts each worker's points of a named series as its own curve, reading on per worker, and zooms per worker", async () => {
  await log(["0", "1"], 0, STEPS, false);
  const index = new RunIndex(store, PREFIX);
  await index.update();
  const names = () => index.charts().find((c) => c.id === "metrics-step-train.loss")?.series.map((s) => s.name);
  expect(names()).toEqual(["train.loss · 0", "train.loss · 1"]);
  // A third worker joins later with its own indices 0.., below the others'.
  await log(["2"], 0, 10, true);
  await index.update();
  const chart = index.charts().find((c) => c.id === "metrics-step-train.loss");
  expect(chart?.series.map((s) => [s.name, s.points.length])).toEqual([
    ["train.loss · 0", STEPS],
    ["train.loss · 1", STEPS],
    ["train.loss · 2", 10],
  ]);
  for (const rank of [0, 1, 2]) {
    expect(chart?.series[rank]?.points).toEqual(Array.from({ length: rank === 2 ? 10 : STEPS }, (_, step) => [step, loss(rank, step)]));
  }
  const zoomed = await index.chartDetail("metrics-step-train.loss", 5, 8);
  expect(zoomed?.series.map((s) => s.points)).toEqual([0, 1, 2].map((rank) => [5, 6, 7, 8].map((step) => [step, loss(rank, step)])));
});
