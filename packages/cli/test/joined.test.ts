import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashlog, tempRoot } from "./helpers/run-dashlog.js";

const PREFIX = "team/ddp/joined";
let root: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  root = await tempRoot();
  const sink = localJsonl({ root: root.dir });
  const a = await new Experiment({ prefix: PREFIX, sink, runId: "job-7", worker: "a" }).start();
  const b = await new Experiment({ prefix: PREFIX, sink, runId: "job-7", worker: "b" }).start();
  for (let i = 0; i < 5; i++) {
    a.log(`a ${i}`);
    b.log(`b ${i}`);
  }
  await a.complete();
  await b.fail(new Error("rank b diverged"));
  sink.close();
});
afterAll(() => root.remove());

describe("joined runs in the CLI", () => {
  it("tail --worker prints only that worker's records", async () => {
    const result = await dashlog(["tail", PREFIX, "--worker", "a", "--json", "--root", root.dir]);
    expect(result.code).toBe(0);
    const records = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as { worker: string; message: string });
    expect(records.map((r) => r.message)).toEqual(["a 0", "a 1", "a 2", "a 3", "a 4"]);
    expect(new Set(records.map((r) => r.worker))).toEqual(new Set(["a"]));
  });

  it("tail --worker refuses a name no worker can have, naming the option", async () => {
    const result = await dashlog(["tail", PREFIX, "--worker", "a b", "--root", root.dir]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/worker must be .*"a b"/);
  });

  it("ls shows the run FAILED with each worker's status", async () => {
    const text = await dashlog(["ls", "--root", root.dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/team\/ddp\/joined\s+FAILED 1\/2 \(b FAILED\)/);
    const json = await dashlog(["ls", "--json", "--root", root.dir]);
    const summary = JSON.parse(json.stdout.trim()) as { status: string; workers: Record<string, string> };
    expect(summary.status).toBe("FAILED");
    expect(summary.workers).toEqual({ a: "COMPLETED", b: "FAILED" });
  });
});

describe("metric points of joined runs in the CLI", () => {
  const METRICS = "team/ddp/joined-metrics";
  beforeAll(async () => {
    const sink = localJsonl({ root: root.dir });
    const ranks = await Promise.all(["0", "1"].map((worker) => new Experiment({ prefix: METRICS, sink, runId: "job-8", worker }).start()));
    for (let step = 0; step < 3; step++) for (const rank of ranks) rank.metrics("train").log({ loss: step, rank: rank.worker ?? "" });
    await Promise.all(ranks.map((rank) => rank.complete()));
    sink.close();
  });

  it("tail --metric --worker prints only that worker's points, each with its worker", async () => {
    const result = await dashlog(["tail", METRICS, "--metric", "train", "--worker", "1", "--json", "--root", root.dir]);
    expect(result.code, result.stderr).toBe(0);
    const points = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as { index: number; worker: string; data: { rank: string } });
    expect(points.map((p) => [p.index, p.worker, p.data.rank])).toEqual([
      [0, "1", "1"],
      [1, "1", "1"],
      [2, "1", "1"],
    ]);
  });

  it("export --metric gives every worker's points with a worker column; --worker keeps one", async () => {
    const all = await dashlog(["export", METRICS, "--metric", "train", "--format", "csv", "--root", root.dir]);
    expect(all.code, all.stderr).toBe(0);
    const [header, ...rows] = all.stdout.trim().split(/\r?\n/);
    expect(header?.split(",")).toEqual(["index", "createdAt", "worker", "loss", "rank"]);
    expect(rows).toHaveLength(6);
    const one = await dashlog(["export", METRICS, "--metric", "train", "--worker", "0", "--format", "jsonl", "--root", root.dir]);
    expect(one.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { worker: string }).worker)).toEqual(["0", "0", "0"]);
    const refused = await dashlog(["export", METRICS, "--worker", "0", "--format", "jsonl", "--root", root.dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--worker needs --metric/);
  });
});
