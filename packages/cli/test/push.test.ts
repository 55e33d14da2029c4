import { MongoTestServer } from "@dashlog/mongo-test-server";
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREFIX, storedLines, trainingRoot, type FixtureRoot } from "./helpers/fixture-root.js";
import { dashlog } from "./helpers/run-dashlog.js";

let fixture: FixtureRoot;
let server: MongoTestServer;
let uri: string;
let client: MongoClient;

const STREAMS = ["logs", "bytes", "core", "cpu", "eventLoopDelay", "memory", "spans"];

beforeAll(async () => {
  fixture = await trainingRoot();
  // A real MongoDB when MONGODB_URI is set (as remote-mongo's tests do), else the in-repo wire-protocol server.
  const real = process.env["MONGODB_URI"];
  if (real === undefined || real === "") {
    server = await MongoTestServer.start();
    uri = server.uri.replace(/\/?(\?|$)/, `/cli_push_${process.pid}$1`);
  } else {
    uri = real.replace(/\/[^/?]*(\?|$)/, `/cli_push_${process.pid}$1`);
  }
  client = new MongoClient(uri);
});
afterAll(async () => {
  await client.db().dropDatabase().catch(() => undefined);
  await client.close();
  await server?.stop();
  await fixture.remove();
});

async function remoteCounts(prefix: string): Promise<Record<string, number>> {
  const db = client.db();
  const out: Record<string, number> = { logs: await db.collection("logs").countDocuments({ experiment: prefix }) };
  for (const stream of STREAMS.slice(1)) out[stream] = await db.collection("streams").countDocuments({ experiment: prefix, stream });
  return out;
}

async function localCounts(prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const stream of STREAMS) out[stream] = (await storedLines(fixture.dir, prefix, stream)).records.length;
  return out;
}

describe("dashlog push", () => {
  it("copies every stream and the run, and a second push stores nothing twice", async () => {
    const first = await dashlog(["push", PREFIX, "--to", uri, "--root", fixture.dir]);
    expect(first.stderr).toMatch(/ new record\(s\), 0 already there, 1 run\(s\)\n$/);
    expect(first.code).toBe(0);
    const local = await localCounts(PREFIX);
    const total = Object.values(local).reduce((a, b) => a + b, 0);
    expect(first.stderr).toContain(`: ${total} new record(s)`);
    expect(await remoteCounts(PREFIX)).toEqual(local);

    const second = await dashlog(["push", PREFIX, "--to", uri, "--root", fixture.dir]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`: 0 new record(s), ${total} already there`);
    expect(await remoteCounts(PREFIX)).toEqual(local);
    expect(await client.db().collection("runs").countDocuments({ experiment: PREFIX })).toBe(1);
  });

  it("reads back through --mongo exactly what is on disk", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const tail = await dashlog(["tail", PREFIX, "-n", "1000", "--json", "--mongo", uri]);
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(records);
    const ls = await dashlog(["ls", "--json", "--mongo", uri]);
    const row = JSON.parse(ls.stdout.trim().split("\n")[0] as string) as { prefix: string; status: string; records: number; streams: Record<string, number> };
    expect(row).toMatchObject({ prefix: PREFIX, status: "COMPLETED", records: records.length });
    expect(row.streams).toEqual(await localCounts(PREFIX));

    const report = await dashlog(["report", PREFIX, "-o", "-", "--mongo", uri]);
    expect(report.code).toBe(0);
    const data = JSON.parse(/<script type="application\/json" id="dashlog-data">(.*?)<\/script>/s.exec(report.stdout)?.[1] ?? "null") as {
      overview: { status: string; summary: { records: number } };
      logs: { rows: unknown[] };
      timeline: { spans: unknown[] };
      charts: unknown[];
    };
    // The report reads MongoDB through sequence-number positions, the way `dashlog serve --mongo` pages.
    expect(data.overview.status).toBe("COMPLETED");
    expect(data.overview.summary.records).toBe(records.length);
    expect(data.logs.rows).toHaveLength(records.length);
    expect(data.timeline.spans).toHaveLength(fixture.counts.spans);
    expect(data.charts).toHaveLength(7);
  });

  it("resumes: only records after the last one pushed are sent, and holes are refilled", async () => {
    const prefix = "alice/resume";
    const sink = () => localJsonl({ root: fixture.dir });
    await new Experiment({ prefix, sink: sink() }).run((exp) => {
      for (let i = 0; i < 30; i++) exp.log(`first run ${i}`);
    });
    expect((await dashlog(["push", prefix, "--to", uri, "--root", fixture.dir])).code).toBe(0);
    await new Experiment({ prefix, sink: sink() }).run((exp) => {
      for (let i = 0; i < 20; i++) exp.log(`second run ${i}`);
    });
    const resumed = await dashlog(["push", prefix, "--to", uri, "--root", fixture.dir]);
    expect(resumed.stderr).toContain(": 20 new record(s), 30 already there, 2 run(s)");
    expect(resumed.stderr).not.toContain("re-sent");

    // An interrupted push can leave a hole below the highest record: the stream is sent again, duplicates skipped.
    await client.db().collection("logs").deleteOne({ experiment: prefix, sequenceNumber: 7 });
    const refilled = await dashlog(["push", prefix, "--to", uri, "--root", fixture.dir]);
    expect(refilled.stderr).toContain(": 1 new record(s), 49 already there (49 re-sent and skipped)");
    const sequences = (await client.db().collection("logs").find({ experiment: prefix }, { sort: { sequenceNumber: 1 } }).toArray()).map((d) => d["sequenceNumber"] as number);
    expect(sequences).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("fails with one line, naming the server without its password, when MongoDB is unreachable", async () => {
    const result = await dashlog(["push", PREFIX, "--to", "mongodb://user:s3cret@127.0.0.1:9/dashlog?serverSelectionTimeoutMS=300&connectTimeoutMS=300", "--root", fixture.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^dashlog push: /);
    expect(result.stderr).not.toContain("s3cret");
  }, 120_000);

  it("copies metrics and parameters too, once, and the CLI reads them back from MongoDB", async () => {
    const prefix = "alice/push/metrics";
    await new Experiment({ prefix, sink: localJsonl({ root: fixture.dir }) }).run((exp) => {
      exp.log("with metrics");
      exp.params.set({ lr: 0.001, model: { name: "resnet" } });
      for (let step = 0; step < 3; step++) exp.metrics("train").log({ loss: 1 / (step + 1), step });
    });
    const first = await dashlog(["push", prefix, "--to", uri, "--root", fixture.dir]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(": 1 new record(s), 0 already there, 1 run(s), 4 new of 4 metric point(s) and parameter change(s)");
    const again = await dashlog(["push", prefix, "--to", uri, "--root", fixture.dir]);
    expect(again.stderr).toContain("0 new of 4 metric point(s)");
    expect(await client.db().collection("metrics").countDocuments({ experiment: prefix })).toBe(3);
    const tail = await dashlog(["tail", prefix, "--metric", "train", "--json", "--mongo", uri]);
    expect(tail.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([0, 1, 2]);
    const params = await dashlog(["params", prefix, "--json", "--mongo", uri]);
    expect(JSON.parse(params.stdout)).toEqual({ lr: 0.001, "model.name": "resnet" });
    const ls = await dashlog(["ls", "--json", "--mongo", uri]);
    const row = ls.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r["prefix"] === prefix);
    expect(row).toMatchObject({ records: 1, metrics: { train: 3 }, params: 2 });
  });
});
