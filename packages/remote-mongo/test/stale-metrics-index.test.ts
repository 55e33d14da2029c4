import { Experiment, type DashlogIssue as Issue, type MetricPoint } from "@dashlog/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STALE_METRICS_INDEX, StaleMetricsIndexError, mongoMetricReader, mongoSink, type MongoSinkOptions } from "../src/index.js";
import { faultSinkOptions } from "./helpers/fault-sink-options.js";
import { TEST_CLIENT_OPTIONS, startTarget, type MongoTarget } from "./helpers/mongo-target.js";

// A database an earlier build created: its metrics collection has the unique index on
// (experiment, metric, index), which refuses a joined run's second worker's point of each index.
const POINTS = 200;

let target: MongoTarget;
const cleanups: (() => Promise<void>)[] = [];
let database = 0;

beforeAll(async () => {
  target = await startTarget("stale-index");
});
afterAll(async () => {
  await target.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A database of its own per test (the sink's indexes are per database), with the metrics collection as an earlier build left it. */
async function oldDatabase(indexName = STALE_METRICS_INDEX): Promise<string> {
  const name = `${target.database}_${++database}`;
  const db = target.client.db(name);
  cleanups.push(async () => void (await db.dropDatabase().catch(() => undefined)));
  await db.collection("metrics").createIndex({ experiment: 1, metric: 1, index: 1 }, { unique: true, name: indexName });
  await db.collection("metrics").insertOne({ experiment: "earlier/run/of-its-own", metric: "train", index: 0, data: { loss: 1 }, createdAt: new Date() });
  return name;
}

async function options(db: string, issues: Issue[] = []): Promise<MongoSinkOptions> {
  return faultSinkOptions(target, cleanups, { database: db, onIssue: (issue) => issues.push(issue) });
}

async function indexNames(db: string): Promise<string[]> {
  return (await target.client.db(db).collection("metrics").listIndexes().toArray()).map((i) => String(i["name"]));
}

async function points(db: string, prefix: string): Promise<MetricPoint[]> {
  const reader = mongoMetricReader({ uri: target.uri, database: db, clientOptions: TEST_CLIENT_OPTIONS });
  cleanups.push(() => reader.close());
  const all: MetricPoint[] = [];
  for await (const point of reader.readMetric(prefix, "train")) all.push(point);
  return all;
}

/** Two workers of one run, each through a sink of its own (two processes), each logging indices 0..POINTS-1 of `train`. */
async function joinedRun(db: string, prefix: string): Promise<void> {
  const sinks = [mongoSink(await options(db)), mongoSink(await options(db))];
  for (const sink of sinks) cleanups.push(() => sink.close());
  const workers = await Promise.all(sinks.map((sink, rank) => new Experiment({ prefix, sink, runId: "job-1", worker: String(rank) }).start()));
  for (let step = 0; step < POINTS; step++) workers.forEach((exp, rank) => exp.metrics("train").log({ step, loss: rank + 1 / (step + 1) }));
  await Promise.all(workers.map((exp) => exp.complete()));
  for (const sink of sinks) expect((await sink.closeWithReport()).complete).toBe(true);
}

describe("a metrics collection with the unique index of an earlier build", () => {
  it("is dropped at start, and a joined run of two workers writing the same indices loses nothing", async () => {
    const db = await oldDatabase();
    const prefix = "team/ddp/after-upgrade";
    await joinedRun(db, prefix);
    const stored = await points(db, prefix);
    expect(stored).toHaveLength(2 * POINTS);
    for (const worker of ["0", "1"]) {
      expect(stored.filter((p) => p.worker === worker).map((p) => p.index).sort((a, b) => a - b)).toEqual(Array.from({ length: POINTS }, (_, i) => i));
    }
    expect(await indexNames(db)).not.toContain(STALE_METRICS_INDEX);
    expect(await indexNames(db)).toContain("experiment_metric_index_worker_unique");
    // The earlier run's point is still there, and its index still unique without a worker: a replayed point stays single.
    const metrics = target.client.db(db).collection("metrics");
    expect(await metrics.countDocuments({ experiment: "earlier/run/of-its-own" })).toBe(1);
    const again = await metrics.insertOne({ experiment: "earlier/run/of-its-own", metric: "train", index: 0, data: { loss: 1 }, createdAt: new Date() }).catch((e: unknown) => e);
    expect((again as { code?: number }).code).toBe(11000);
  });

  it("when it cannot be dropped, refuses joined runs with an error naming the index and the command, and runs of their own go on", async (context) => {
    // Refusing the drop is staged on the test server (a real one would need a user without the dropIndex privilege).
    if (target.server === undefined) return context.skip();
    const db = await oldDatabase();
    const refusal = target.server.inject({ commands: ["dropIndexes"], action: { kind: "error", code: 13, codeName: "Unauthorized" } });
    cleanups.push(async () => refusal.remove());
    const issues: Issue[] = [];
    const sink = mongoSink(await options(db, issues));
    cleanups.push(() => sink.close());
    const error = await new Experiment({ prefix: "team/ddp/refused", sink, runId: "job-2", worker: "0" }).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleMetricsIndexError);
    const stale = error as StaleMetricsIndexError;
    expect(stale.index).toBe(STALE_METRICS_INDEX);
    expect(stale.command).toBe(`db.getSiblingDB(${JSON.stringify(db)}).getCollection("metrics").dropIndex("${STALE_METRICS_INDEX}")`);
    expect(stale.message).toContain(stale.command);
    expect(stale.message).toContain("could not drop it (MongoServerError 13 Unauthorized)");
    // Said once through the sink's issues, for the runs of their own that go on.
    expect(issues.filter((i) => i.error instanceof StaleMetricsIndexError)).toHaveLength(1);
    await new Experiment({ prefix: "team/solo/goes-on", sink }).run((exp) => {
      for (let step = 0; step < 3; step++) exp.metrics("train").log({ step, loss: 1 / (step + 1) });
    });
    expect((await points(db, "team/solo/goes-on")).map((p) => p.index)).toEqual([0, 1, 2]);
    expect(await indexNames(db)).toContain(STALE_METRICS_INDEX);
    expect(refusal.hits).toBeGreaterThan(0);
  });

  it("leaves an index of that key it did not name to the user, and refuses joined runs", async () => {
    const db = await oldDatabase("my_own_metric_index");
    const sink = mongoSink(await options(db));
    cleanups.push(() => sink.close());
    const error = await new Experiment({ prefix: "team/ddp/theirs", sink, runId: "job-3", worker: "0" }).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleMetricsIndexError);
    expect((error as StaleMetricsIndexError).index).toBe("my_own_metric_index");
    expect((error as Error).message).toMatch(/did not create it under that name/);
    expect(await indexNames(db)).toContain("my_own_metric_index");
  });
});
