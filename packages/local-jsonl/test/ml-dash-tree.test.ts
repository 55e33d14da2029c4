import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, manualClock, type DashlogIssue, type ReadIssue } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { ForeignWriterError, flockHolder } from "../src/foreign-writer.js";
import { jsonlMetricReader } from "../src/jsonl-metric-reader.js";
import { jsonlReader } from "../src/jsonl-reader.js";
import { localJsonl } from "../src/jsonl-sink.js";
import { mlDashExperimentJson, mlDashLog, mlDashMetric, mlDashParams, mlDashTrack, pyTimestamp } from "./fixtures/ml-dash-writer.js";
import { readLines, tempRoot } from "./helpers.js";

const prefix = "alice/vision/resnet-sweep";
const T0 = Date.UTC(2025, 9, 29, 10, 30, 0);

/** A tree as ml-dash 0.6 leaves it: every shape dashlog must read. */
async function mlDashTree(): Promise<{ root: string; dir: string }> {
  const root = await tempRoot();
  const dir = join(root, ...prefix.split("/"));
  mlDashExperimentJson(dir, prefix, pyTimestamp(T0));
  mlDashLog(dir, { message: "Training started", timestamp: pyTimestamp(T0) });
  mlDashLog(dir, { message: "lr set", metadata: { lr: 0.001 }, timestamp: pyTimestamp(T0 + 1000, 0) });
  mlDashLog(dir, { message: "loss diverged", level: "warn", metadata: { loss: Number.NaN, best: Infinity, worst: -Infinity }, timestamp: pyTimestamp(T0 + 2000) });
  mlDashLog(dir, { message: "caf\u00e9 \"quoted\" NaN", level: "error", timestamp: pyTimestamp(T0 + 3000) });
  mlDashParams(dir, { "model.name": "resnet", lr: 0.001 }, pyTimestamp(T0));
  mlDashParams(dir, { lr: 0.0005 }, pyTimestamp(T0 + 5000));
  mlDashMetric(dir, "train", { loss: 0.9, step: 1 }, pyTimestamp(T0));
  mlDashMetric(dir, "train", { loss: Number.NaN, step: 2 }, pyTimestamp(T0 + 1000));
  mlDashMetric(dir, "train", { loss: 0.5, step: 3 }, pyTimestamp(T0 + 2000));
  mlDashMetric(dir, "eval", { accuracy: 0.7, epoch: 1 }, pyTimestamp(T0 + 2000));
  mlDashTrack(dir, "robot/pose", [{ timestamp: 1.5, q: [0.1, 0.2] }, { timestamp: 2.5, q: [0.3, Number.NaN] }]);
  return { root, dir };
}

const expectedLogs = [
  { timestamp: "2025-10-29T10:30:00.000123Z", level: "info", message: "Training started", metadata: null, sequenceNumber: 0 },
  { timestamp: "2025-10-29T10:30:01Z", level: "info", message: "lr set", metadata: { lr: 0.001 }, sequenceNumber: 1 },
  { timestamp: "2025-10-29T10:30:02.000123Z", level: "warn", message: "loss diverged", metadata: { loss: "NaN", best: "Infinity", worst: "-Infinity" }, sequenceNumber: 2 },
  { timestamp: "2025-10-29T10:30:03.000123Z", level: "error", message: "caf\u00e9 \"quoted\" NaN", metadata: null, sequenceNumber: 3 },
];

describe("reading an ml-dash tree", () => {
  it("reads every ml-dash log line in the seed's shape through read, tail and follow, with no issue", async () => {
    const { root } = await mlDashTree();
    const reader = jsonlReader({ root });
    const issues: ReadIssue[] = [];
    const onIssue = (issue: ReadIssue) => issues.push(issue);
    const read = [];
    for await (const record of reader.read(prefix, { onIssue })) read.push(record);
    expect(read).toEqual(expectedLogs);
    expect(Object.keys(read[0] ?? {})).toEqual(["timestamp", "level", "message", "metadata", "sequenceNumber"]);
    expect(await reader.tail(prefix, 2, { onIssue })).toEqual(expectedLogs.slice(2));
    expect(await reader.tail(prefix, 10, { level: "warn", since: "2025-10-29T10:30:02Z", onIssue })).toEqual(expectedLogs.slice(2));
    const controller = new AbortController();
    const followed = [];
    for await (const record of reader.follow(prefix, { onIssue, signal: controller.signal })) {
      followed.push(record);
      if (followed.length === expectedLogs.length) controller.abort();
    }
    expect(followed).toEqual(expectedLogs);
    expect(issues).toEqual([]);
  });

  it("reads metrics (index range, time bounds, tail), parameters, tracks and experiment.json", async () => {
    const { root } = await mlDashTree();
    const reader = jsonlMetricReader({ root });
    expect((await reader.listMetrics(prefix)).map((m) => [m.name, m.totalDataPoints, m.nextIndex])).toEqual([
      ["eval", 1, 1],
      ["train", 3, 3],
    ]);
    const all = [];
    for await (const point of reader.readMetric(prefix, "train")) all.push(point);
    expect(all).toEqual([
      { index: 0, data: { loss: 0.9, step: 1 }, createdAt: "2025-10-29T10:30:00.000123Z" },
      { index: 1, data: { loss: "NaN", step: 2 }, createdAt: "2025-10-29T10:30:01.000123Z" },
      { index: 2, data: { loss: 0.5, step: 3 }, createdAt: "2025-10-29T10:30:02.000123Z" },
    ]);
    const ranged = [];
    for await (const point of reader.readMetric(prefix, "train", { fromIndex: 1, toIndex: 1 })) ranged.push(point.index);
    expect(ranged).toEqual([1]);
    expect((await reader.tailMetric(prefix, "train", 5, { since: "2025-10-29T10:30:01Z" })).map((p) => p.index)).toEqual([1, 2]);
    expect((await reader.tailMetric(prefix, "train", 1)).map((p) => p.index)).toEqual([2]);
    expect(await reader.readParams(prefix)).toMatchObject({ version: 2, data: { "model.name": "resnet", lr: 0.0005 } });
    expect(await reader.listTracks(prefix)).toEqual([{ name: "robot_pose", topic: "robot/pose", rows: 2 }]);
    const rows = [];
    for await (const row of reader.readTrack(prefix, "robot_pose")) rows.push(row);
    expect(rows).toEqual([{ timestamp: 1.5, q: [0.1, 0.2] }, { timestamp: 2.5, q: [0.3, "NaN"] }]);
    expect(await reader.readExperimentJson(prefix)).toMatchObject({ name: "resnet-sweep", project: "vision", description: "from ml-dash" });
  });
});

describe("one .dash tree, two writers one after the other", () => {
  it("keeps log numbers, metric indexes and parameters in step across ml-dash and dashlog runs", async () => {
    const { root, dir } = await mlDashTree();
    const clock = manualClock(T0 + 10_000);
    const experiment = new Experiment({ prefix, sink: localJsonl({ root }), clock });
    await experiment.run((exp) => {
      expect(exp.nextSequenceNumber).toBe(4);
      exp.log("dashlog run 1");
      exp.params.set({ optimizer: { name: "adam" } });
      expect(exp.params.get()).toEqual({ "model.name": "resnet", lr: 0.0005, "optimizer.name": "adam" });
      expect(exp.metrics("train").log({ loss: 0.4, step: 4 })).toBe(3);
      exp.metrics.log({ epoch: 2, eval: { accuracy: 0.8 } });
    });
    expect(await readFile(join(dir, "logs", ".log_sequence"), "utf8")).toBe("5");
    // ml-dash continues from .log_sequence and metadata.json, as it does on its own.
    expect(mlDashLog(dir, { message: "python again", timestamp: pyTimestamp(T0 + 20_000) })).toBe(5);
    expect(mlDashMetric(dir, "train", { loss: 0.35, step: 5 }, pyTimestamp(T0 + 20_000))).toBe(4);
    mlDashParams(dir, { lr: 0.0001 }, pyTimestamp(T0 + 20_000));
    await experiment.run((exp) => {
      expect(exp.nextSequenceNumber).toBe(6);
      exp.log("dashlog run 2");
      expect(exp.metrics("train").log({ loss: 0.3, step: 6 })).toBe(5);
      expect(exp.params.get()["lr"]).toBe(0.0001);
      exp.params.set({ lr: 0.00005 });
    });
    expect(mlDashLog(dir, { message: "python last", timestamp: pyTimestamp(T0 + 30_000) })).toBe(7);

    const numbers = [];
    for await (const record of jsonlReader({ root }).read(prefix)) numbers.push(record.sequenceNumber);
    expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const reader = jsonlMetricReader({ root });
    const indexes = [];
    for await (const point of reader.readMetric(prefix, "train")) indexes.push(point.index);
    expect(indexes).toEqual([0, 1, 2, 3, 4, 5]);
    expect(JSON.parse(await readFile(join(dir, "metrics", "train", "metadata.json"), "utf8"))).toMatchObject({ name: "train", totalDataPoints: 6, nextIndex: 6 });
    const evalPoints = [];
    for await (const point of reader.readMetric(prefix, "eval")) evalPoints.push(point.data);
    expect(evalPoints).toEqual([{ accuracy: 0.7, epoch: 1 }, { epoch: 2, accuracy: 0.8 }]);
    const params = JSON.parse(await readFile(join(dir, "parameters.json"), "utf8")) as Record<string, unknown>;
    expect(params).toMatchObject({ version: 5, data: { "model.name": "resnet", lr: 0.00005, "optimizer.name": "adam" } });
    // dashlog kept ml-dash's experiment.json as it was.
    expect(JSON.parse(await readFile(join(dir, "experiment.json"), "utf8"))).toMatchObject({ description: "from ml-dash", tags: ["py"] });
    // Every dashlog line stayed in the seed's exact format.
    const lines = await readLines(join(dir, "logs", "logs.jsonl"));
    expect(lines[4]).toBe('{"timestamp":"2025-10-29T10:30:10.000Z","level":"info","message":"dashlog run 1","metadata":null,"sequenceNumber":4}');
  });

  it("starts a dashlog-only tree with experiment.json and .log_sequence that ml-dash continues", async () => {
    const root = await tempRoot();
    const dir = join(root, ...prefix.split("/"));
    await new Experiment({ prefix, sink: localJsonl({ root }), clock: manualClock(T0) }).run((exp) => {
      exp.log("first");
      exp.log("second");
      exp.metrics("train").log({ loss: 1 });
    });
    expect(JSON.parse(await readFile(join(dir, "experiment.json"), "utf8"))).toEqual({
      name: "resnet-sweep",
      project: "vision",
      description: null,
      tags: [],
      bindrs: [],
      prefix,
      metadata: null,
      created_at: "2025-10-29T10:30:00.000Z",
      write_protected: false,
    });
    expect(await readFile(join(dir, "logs", ".log_sequence"), "utf8")).toBe("2");
    expect(mlDashLog(dir, { message: "ml-dash after", timestamp: pyTimestamp(T0 + 1000) })).toBe(2);
    expect(mlDashMetric(dir, "train", { loss: 0.5 }, pyTimestamp(T0 + 1000))).toBe(1);
  });

  it("numbers after the highest number seen, counting lines that fail validation and a larger .log_sequence", async () => {
    const root = await tempRoot();
    const dir = join(root, ...prefix.split("/"));
    const experiment = new Experiment({ prefix, sink: localJsonl({ root }), clock: manualClock(T0) });
    await experiment.run((exp) => void exp.log("zero"));
    // A line of no known shape but with a number, then garbage: the number counts.
    await writeFile(join(dir, "logs", "logs.jsonl"), `{"sequenceNumber": 7, "level": "loud"}\nnot json\n`, { flag: "a" });
    await experiment.run((exp) => expect(exp.nextSequenceNumber).toBe(8));
    await writeFile(join(dir, "logs", ".log_sequence"), "20");
    await experiment.run((exp) => expect(exp.nextSequenceNumber).toBe(20));
  });
});

describe("a sink written to without a run", () => {
  it("stores metric points and parameter changes, and skips what a retried batch repeats", async () => {
    const root = await tempRoot();
    const dir = join(root, ...prefix.split("/"));
    const sink = localJsonl({ root });
    const points = [
      { sequenceNumber: 0, data: { loss: 1 }, createdAt: "2025-10-29T10:30:00.000Z" },
      { sequenceNumber: 1, data: { loss: 0.5 }, createdAt: "2025-10-29T10:30:01.000Z" },
    ];
    const change = { sequenceNumber: 0, data: { lr: 0.1, "model.name": "vit" }, updatedAt: "2025-10-29T10:30:00.000Z" };
    sink.write([{ experiment: prefix, stream: "@metrics/train", records: points }, { experiment: prefix, stream: "@params", records: [change] }]);
    // Offered again (a retry after a failure that had in fact stored it): nothing twice.
    sink.write([{ experiment: prefix, stream: "@metrics/train", records: points }, { experiment: prefix, stream: "@params", records: [change] }]);
    sink.close();
    expect(await readLines(join(dir, "metrics", "train", "data.jsonl"))).toEqual([
      '{"index":0,"data":{"loss":1},"createdAt":"2025-10-29T10:30:00.000Z"}',
      '{"index":1,"data":{"loss":0.5},"createdAt":"2025-10-29T10:30:01.000Z"}',
    ]);
    expect(JSON.parse(await readFile(join(dir, "metrics", "train", "metadata.json"), "utf8"))).toMatchObject({ name: "train", totalDataPoints: 2, nextIndex: 2 });
    expect(JSON.parse(await readFile(join(dir, "parameters.json"), "utf8"))).toMatchObject({ version: 1, data: { lr: 0.1, "model.name": "vit" } });
    expect(existsSync(join(dir, "experiment.json"))).toBe(true);
    expect(existsSync(join(dir, "logs"))).toBe(false);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const hasFlock = spawnSync("flock", ["--version"]).status === 0 && existsSync("/proc/locks");

describe("an ml-dash writer at the same time", () => {
  it.skipIf(!hasFlock).each([["logs", ".log_sequence.lock"], ["metrics/train", ".metadata.lock"], [".", ".parameters.lock"]])(
    "refuses to start while another process holds ml-dash's lock %s/%s, naming it",
    async (folder, name) => {
      const { root, dir } = await mlDashTree();
      const lock = join(dir, folder, name);
      await writeFile(lock, "");
      // Its own process group: `sleep` inherits the locked descriptor, so both must end.
      const holder = spawn("flock", [lock, "sleep", "30"], { stdio: "ignore", detached: true });
      try {
        // Wait until the lock is really taken.
        await waitFor(() => flockHolder(lock) !== undefined);
        const error = await new Experiment({ prefix, sink: localJsonl({ root }) }).start().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ForeignWriterError);
        expect((error as ForeignWriterError).message).toMatch(/pid \d+/);
        expect((error as ForeignWriterError).file).toBe(lock);
      } finally {
        process.kill(-(holder.pid as number), "SIGKILL");
        await new Promise((resolve) => holder.once("exit", resolve));
      }
      // `sleep` holds the descriptor until it is reaped too.
      await waitFor(() => flockHolder(lock) === undefined);
      // Released: dashlog starts, and nothing was written meanwhile.
      await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => expect(exp.nextSequenceNumber).toBe(4));
    },
  );

  it("refuses to write after another process appended during the run, and says so on the issue channel", async () => {
    const { root, dir } = await mlDashTree();
    const issues: DashlogIssue[] = [];
    // The sink keeps refusing, so the run's end gives up after endTimeoutMs (10 s by default).
    const run = await new Experiment({ prefix, sink: localJsonl({ root }), onIssue: (i) => issues.push(i), clock: manualClock(T0), endTimeoutMs: 300 }).start();
    run.log("before");
    await run.flush();
    mlDashLog(dir, { message: "ml-dash in between", timestamp: pyTimestamp(T0) });
    run.log("after");
    await run.flush();
    expect(issues.map((i) => i.error)).toContainEqual(expect.any(ForeignWriterError));
    expect(String((issues[0]?.error as Error | undefined)?.message)).toMatch(/refuses to write it concurrently/);
    const summary = await run.fail(new Error("stop"));
    expect(summary.unwritten).toBeGreaterThan(0);
    const numbers = [];
    for await (const record of jsonlReader({ root }).read(prefix)) numbers.push(record.sequenceNumber);
    // No number was written twice.
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe("following a metric", () => {
  it("yields the points there, then each new one as a run logs it, within index bounds", async () => {
    const root = await tempRoot();
    const experiment = new Experiment({ prefix, sink: localJsonl({ root }) });
    await experiment.run((exp) => {
      exp.metrics("train").log({ loss: 1 });
      exp.metrics("train").log({ loss: 0.9 });
    });
    const controller = new AbortController();
    const seen: number[] = [];
    const following = (async () => {
      for await (const point of jsonlMetricReader({ root }).followMetric(prefix, "train", { fromIndex: 1, pollIntervalMs: 20, signal: controller.signal })) {
        seen.push(point.index);
        if (seen.length === 3) controller.abort();
      }
    })();
    await experiment.run((exp) => {
      exp.metrics("train").log({ loss: 0.8 });
      exp.metrics("train").log({ loss: 0.7 });
    });
    await following;
    expect(seen).toEqual([1, 2, 3]);
  });
});
