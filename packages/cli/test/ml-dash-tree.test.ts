import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, manualClock } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashlog, tempRoot } from "./helpers/run-dashlog.js";

// A tree exactly as ml-dash 0.6 (Python, local mode) writes it, line for line: json.dumps
// separators, sequenceNumber first, metadata left out when empty, bare NaN/Infinity,
// microsecond and whole-second Z timestamps, .log_sequence without a newline.
const PY_PREFIX = "alice/vision/py-only";
const MIXED = "alice/vision/mixed";
const PARAMS_ONLY = "alice/vision/params-only";

const LOG_LINES = [
  '{"sequenceNumber": 0, "timestamp": "2025-10-29T10:30:00.000123Z", "level": "info", "message": "Training started"}',
  '{"sequenceNumber": 1, "timestamp": "2025-10-29T10:30:01Z", "level": "info", "message": "lr set", "metadata": {"lr": 0.001}}',
  '{"sequenceNumber": 2, "timestamp": "2025-10-29T10:30:02.500000Z", "level": "warn", "message": "loss diverged", "metadata": {"loss": NaN, "best": Infinity, "worst": -Infinity}}',
  '{"sequenceNumber": 3, "timestamp": "2025-10-29T10:30:03.000001Z", "level": "error", "message": "caf\\u00e9"}',
];
const TRAIN_LINES = [
  '{"index": 0, "data": {"loss": 0.9, "step": 1}, "createdAt": "2025-10-29T10:30:00.000100Z"}',
  '{"index": 1, "data": {"loss": NaN, "step": 2}, "createdAt": "2025-10-29T10:30:01Z"}',
  '{"index": 2, "data": {"loss": 0.5, "step": 3}, "createdAt": "2025-10-29T10:30:02.000100Z"}',
];

async function mlDashExperiment(root: string, prefix: string, withLogs: boolean): Promise<string> {
  const dir = join(root, ...prefix.split("/"));
  await mkdir(join(dir, "metrics", "train"), { recursive: true });
  await mkdir(join(dir, "tracks", "robot_pose"), { recursive: true });
  await writeFile(
    join(dir, "experiment.json"),
    JSON.stringify({ name: prefix.split("/").at(-1), project: "vision", description: null, tags: [], bindrs: [], prefix, metadata: null, created_at: "2025-10-29T10:29:59.999999Z", write_protected: false }, null, 2),
  );
  await writeFile(join(dir, "parameters.json"), JSON.stringify({ version: 2, data: { "model.name": "resnet", lr: 0.0005, "optimizer.betas": [0.9, 0.99] }, updatedAt: "2025-10-29T10:30:05.000001Z" }, null, 2));
  await writeFile(join(dir, "metrics", "train", "data.jsonl"), `${TRAIN_LINES.join("\n")}\n`);
  await writeFile(
    join(dir, "metrics", "train", "metadata.json"),
    JSON.stringify({ metricId: "local-metric-train", name: "train", description: null, tags: [], metadata: null, totalDataPoints: 3, nextIndex: 3, createdAt: "2025-10-29T10:30:00.000100Z", updatedAt: "2025-10-29T10:30:02.000100Z" }, null, 2),
  );
  await writeFile(join(dir, "tracks", "robot_pose", "data.jsonl"), '{"timestamp": 1.5, "q": [0.1, 0.2]}\n{"timestamp": 2.5, "q": [0.3, NaN]}\n');
  if (withLogs) {
    await mkdir(join(dir, "logs"), { recursive: true });
    await writeFile(join(dir, "logs", "logs.jsonl"), `${LOG_LINES.join("\n")}\n`);
    await writeFile(join(dir, "logs", ".log_sequence"), "4");
  }
  return dir;
}

let root: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  root = await tempRoot();
  await mlDashExperiment(root.dir, PY_PREFIX, true);
  await mlDashExperiment(root.dir, PARAMS_ONLY, false);
  // ml-dash, then dashlog, then ml-dash again on one experiment.
  const mixed = await mlDashExperiment(root.dir, MIXED, true);
  await new Experiment({ prefix: MIXED, sink: localJsonl({ root: root.dir }), clock: manualClock(Date.UTC(2025, 9, 29, 11, 0, 0)) }).run((exp) => {
    exp.log("from dashlog");
    exp.metrics("train").log({ loss: 0.4, step: 4 });
    exp.params.set({ lr: 0.0001 });
  });
  await writeFile(join(mixed, "logs", "logs.jsonl"), '{"sequenceNumber": 5, "timestamp": "2025-10-29T11:00:01.000002Z", "level": "info", "message": "python again"}\n', { flag: "a" });
  await writeFile(join(mixed, "logs", ".log_sequence"), "6");
});
afterAll(() => root.remove());

describe("the CLI on a tree ml-dash wrote", () => {
  it("ls lists experiments with only parameters and metrics, with counts that match tail", async () => {
    const result = await dashlog(["ls", "--json", "--root", root.dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const rows = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r["prefix"])).toEqual([MIXED, PARAMS_ONLY, PY_PREFIX]);
    expect(rows.find((r) => r["prefix"] === PY_PREFIX)).toMatchObject({ status: "UNKNOWN", records: 4, metrics: { train: 3 }, params: 3, tracks: { robot_pose: 2 } });
    expect(rows.find((r) => r["prefix"] === PARAMS_ONLY)).toMatchObject({ records: 0, metrics: { train: 3 }, params: 3 });
    expect(rows.find((r) => r["prefix"] === MIXED)).toMatchObject({ status: "COMPLETED", records: 6, metrics: { train: 4 }, params: 3 });
    for (const row of rows) {
      const tail = await dashlog(["tail", row["prefix"] as string, "--json", "-n", "1000", "--root", root.dir]);
      expect(tail.stderr).toBe("");
      expect(tail.stdout === "" ? 0 : tail.stdout.trim().split("\n").length).toBe(row["records"]);
      const points = await dashlog(["tail", row["prefix"] as string, "--metric", "train", "--json", "-n", "1000", "--root", root.dir]);
      expect(points.stdout.trim().split("\n").length).toBe((row["metrics"] as Record<string, number>)["train"]);
    }
    const table = await dashlog(["ls", "--root", root.dir]);
    expect(table.stdout).toMatch(new RegExp(`${PY_PREFIX}\\s+UNKNOWN\\s+0\\s+-\\s+-\\s+4\\s+train:3 track:robot_pose:2\\s+3`));
  });

  it("tail shows every ml-dash record in the seed's shape, metadata null when absent, non-finite numbers as strings", async () => {
    const result = await dashlog(["tail", PY_PREFIX, "--json", "--root", root.dir]);
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { timestamp: "2025-10-29T10:30:00.000123Z", level: "info", message: "Training started", metadata: null, sequenceNumber: 0 },
      { timestamp: "2025-10-29T10:30:01Z", level: "info", message: "lr set", metadata: { lr: 0.001 }, sequenceNumber: 1 },
      { timestamp: "2025-10-29T10:30:02.500000Z", level: "warn", message: "loss diverged", metadata: { loss: "NaN", best: "Infinity", worst: "-Infinity" }, sequenceNumber: 2 },
      { timestamp: "2025-10-29T10:30:03.000001Z", level: "error", message: "caf\u00e9", metadata: null, sequenceNumber: 3 },
    ]);
    const filtered = await dashlog(["tail", PY_PREFIX, "--level", "warn", "--since", "2025-10-29T10:30:02Z", "--root", root.dir]);
    expect(filtered.stdout.trim().split("\n")).toHaveLength(2);
    expect(filtered.stdout).toContain("loss diverged");
  });

  it("numbers stay unique and increasing when ml-dash and dashlog take turns", async () => {
    const result = await dashlog(["export", MIXED, "--format", "jsonl", "--root", root.dir]);
    const seqs = result.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { sequenceNumber: number }).sequenceNumber);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
    const points = await dashlog(["export", MIXED, "--metric", "train", "--format", "jsonl", "--root", root.dir]);
    expect(points.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([0, 1, 2, 3]);
  });

  it("tail and export read a metric with index and time bounds, as JSON Lines or CSV", async () => {
    const tail = await dashlog(["tail", PY_PREFIX, "--metric", "train", "--from-index", "1", "--json", "--root", root.dir]);
    expect(tail.stdout).toBe(`${['{"index":1,"data":{"loss":"NaN","step":2},"createdAt":"2025-10-29T10:30:01Z"}', '{"index":2,"data":{"loss":0.5,"step":3},"createdAt":"2025-10-29T10:30:02.000100Z"}'].join("\n")}\n`);
    const text = await dashlog(["tail", PY_PREFIX, "--metric", "train", "-n", "1", "--root", root.dir]);
    expect(text.stdout).toMatch(/#2\s+loss=0\.5\s+step=3/);
    const csv = await dashlog(["export", PY_PREFIX, "--metric", "train", "--to-index", "1", "--until", "2025-10-29T10:30:01Z", "--format", "csv", "--root", root.dir]);
    expect(csv.stdout).toBe("index,createdAt,loss,step\r\n0,2025-10-29T10:30:00.000100Z,0.9,1\r\n1,2025-10-29T10:30:01Z,NaN,2\r\n");
    const track = await dashlog(["export", PY_PREFIX, "--track", "robot_pose", "--format", "jsonl", "--root", root.dir]);
    expect(track.stdout).toBe('{"timestamp":1.5,"q":[0.1,0.2]}\n{"timestamp":2.5,"q":[0.3,"NaN"]}\n');
    const missing = await dashlog(["tail", PY_PREFIX, "--metric", "nope", "--root", root.dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no metric "nope"/);
    const both = await dashlog(["tail", PY_PREFIX, "--metric", "train", "--stream", "logs", "--root", root.dir]);
    expect(both.code).toBe(2);
  });

  it("report renders an ml-dash experiment, every log record included", async () => {
    const html = await dashlog(["report", PY_PREFIX, "-o", "-", "--root", root.dir]);
    expect(html.code).toBe(0);
    expect(html.stderr).toBe("");
    for (const message of ["Training started", "lr set", "loss diverged"]) expect(html.stdout).toContain(message);
    // The page's data: every record (the bare-NaN line too) and ml-dash's parameters.
    const data = JSON.parse(/<script type="application\/json" id="dashlog-data">(.*?)<\/script>/s.exec(html.stdout)?.[1] ?? "null") as {
      overview: { summary: { records: number; unreadable: number }; parameters: Record<string, unknown> | null };
      charts: { title: string; subtitle: string; xName: string; series: { name: string; points: [number, number][] }[] }[];
    };
    expect(data.overview.summary).toMatchObject({ records: 4, unreadable: 0 });
    expect(data.overview.parameters).toEqual({ "model.name": "resnet", lr: 0.0005, "optimizer.betas": [0.9, 0.99] });
    // The metric series, over its step; the NaN point (read as the string "NaN") is not drawn.
    const train = data.charts.find((c) => c.title === "train.loss");
    expect(train).toMatchObject({ subtitle: "metrics over step", xName: "step" });
    expect(train?.series).toEqual([{ name: "train.loss", points: [[1, 0.9], [3, 0.5]] }]);
  });

  it("params shows the parameters flat, as JSON, or nested", async () => {
    const table = await dashlog(["params", PY_PREFIX, "--root", root.dir]);
    expect(table.stdout.split("\n").slice(0, 4).map((l) => l.trim())).toEqual([
      "PARAMETER        VALUE",
      "lr               0.0005",
      'model.name       "resnet"',
      "optimizer.betas  [0.9,0.99]",
    ]);
    const nested = await dashlog(["params", MIXED, "--json", "--nested", "--root", root.dir]);
    expect(JSON.parse(nested.stdout)).toEqual({ model: { name: "resnet" }, lr: 0.0001, optimizer: { betas: [0.9, 0.99] } });
    const none = await dashlog(["params", "alice/vision/none", "--root", root.dir]);
    expect(none.code).toBe(1);
  });
});
