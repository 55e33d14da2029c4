import { Experiment, ExperimentLockedError, defineConsumer, type DashlogIssue } from "@dashlog/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mongoReader, mongoSink, type MongoSinkOptions } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, startTarget, storedSequenceNumbers, exactlyOnceProblems, until, type MongoTarget } from "./helpers/mongo-target.js";
import { Spool } from "../src/spool.js";
import { tempDir } from "./helpers/temp-dir.js";

let target: MongoTarget;
let spool: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  target = await startTarget("sink");
});
afterAll(async () => {
  await target.close();
});
afterEach(async () => {
  await spool?.remove();
});

async function options(extra: Partial<MongoSinkOptions> = {}): Promise<MongoSinkOptions> {
  spool = await tempDir();
  return { uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS, flushIntervalMs: 10, ...extra };
}

describe("mongoSink", () => {
  it("stores log records with the JSONL fields plus experiment, timestamps as BSON dates, and streams with a stream field", async () => {
    const sink = mongoSink(await options());
    const experiment = new Experiment({
      prefix: "alice/project/fields",
      sink,
      consumers: { loss: defineConsumer((event) => (event.metadata?.["loss"] === undefined ? undefined : { loss: event.metadata["loss"] })) },
    });
    await experiment.run(async (exp) => {
      exp.log("Training started");
      exp.log("Epoch 1 complete", { metadata: { loss: 0.5 } });
      exp.log("GPU memory low", { level: "warn" });
    });
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    expect(report.stats.inserted).toBeGreaterThanOrEqual(4);

    const db = target.client.db(target.database);
    const logs = await db.collection("logs").find({ experiment: "alice/project/fields" }, { projection: { _id: 0 } }).sort({ sequenceNumber: 1 }).toArray();
    expect(logs.map((d) => Object.keys(d))).toEqual(Array(3).fill(["experiment", "timestamp", "level", "message", "metadata", "sequenceNumber"]));
    expect(logs[0]?.["timestamp"]).toBeInstanceOf(Date);
    expect(logs.map((d) => [d["sequenceNumber"], d["level"], d["message"], d["metadata"]])).toEqual([
      [0, "info", "Training started", null],
      [1, "info", "Epoch 1 complete", { loss: 0.5 }],
      [2, "warn", "GPU memory low", null],
    ]);
    const loss = await db.collection("streams").find({ experiment: "alice/project/fields" }, { projection: { _id: 0 } }).toArray();
    expect(loss).toEqual([{ experiment: "alice/project/fields", stream: "loss", loss: 0.5, sequenceNumber: 1 }]);
  });

  it("creates its indexes idempotently, with a unique key that refuses a duplicate record", async () => {
    for (let i = 0; i < 2; i++) {
      const sink = mongoSink(await options());
      await new Experiment({ prefix: `alice/indexes/run${i}`, sink }).run((exp) => void exp.log("x"));
      await sink.close();
    }
    const db = target.client.db(target.database);
    const logsIndexes = await db.collection("logs").listIndexes().toArray();
    expect(logsIndexes.map((i) => [i["name"], i["key"], i["unique"] ?? false]).sort()).toEqual(
      [
        ["_id_", { _id: 1 }, false],
        ["experiment_level_sequenceNumber", { experiment: 1, level: 1, sequenceNumber: 1 }, false],
        ["experiment_sequenceNumber_unique", { experiment: 1, sequenceNumber: 1 }, true],
        ["experiment_timestamp", { experiment: 1, timestamp: 1 }, false],
        ["experiment_worker_sequenceNumber", { experiment: 1, worker: 1, sequenceNumber: 1 }, false],
      ].sort(),
    );
    const streamIndexes = (await db.collection("streams").listIndexes().toArray()).map((i) => i["name"]);
    expect(streamIndexes).toContain("experiment_stream_sequenceNumber_unique");
    const error = await db
      .collection("logs")
      .insertOne({ experiment: "alice/indexes/run0", sequenceNumber: 0 })
      .catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(11000);
  });

  it("continues numbering across runs and records each run's status, start and end", async () => {
    const sink = mongoSink(await options());
    const experiment = new Experiment({ prefix: "alice/project/status", sink });
    await experiment.run((exp) => {
      exp.log("a");
      exp.log("b");
    });
    const failure = await experiment
      .run((exp) => {
        exp.log("c");
        throw new Error("Gradient exploded");
      })
      .catch((e: unknown) => e);
    expect((failure as Error).message).toBe("Gradient exploded");
    const third = await experiment.start();
    // a, b | c and the logged failure | nothing
    expect(third.firstSequenceNumber).toBe(4);
    await third.complete();
    await sink.close();

    expect(await storedSequenceNumbers(target, "alice/project/status")).toEqual([0, 1, 2, 3]);
    const runs = await target.client.db(target.database).collection("runs").find({ experiment: "alice/project/status" }).sort({ firstSequenceNumber: 1 }).toArray();
    expect(runs.map((r) => [r["status"], r["firstSequenceNumber"], r["nextSequenceNumber"]])).toEqual([
      ["COMPLETED", 0, 2],
      ["FAILED", 2, 4],
      ["COMPLETED", 4, 4],
    ]);
    expect(runs[1]?.["error"]).toEqual({ name: "Error", message: "Gradient exploded" });
    expect(runs[0]?.["startedAt"]).toBeInstanceOf(Date);
    expect(runs[0]?.["endedAt"]).toBeInstanceOf(Date);
  });

  it("keeps records in memory, not on disk, when core hands them over inline from a caller that never yields", async () => {
    // spillAfterMs far away: on a busy machine the 30,000 records may take more than the default second to insert.
    const sink = mongoSink(await options({ spillAfterMs: 600_000 }));
    const run = await new Experiment({ prefix: "alice/project/no-yield", sink }).start();
    for (let i = 0; i < 30_000; i++) run.log(`step ${i}`);
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    expect([report.stats.spooled, report.stats.replayed]).toEqual([0, 0]);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "alice/project/no-yield"), 30_000)).toBe("");
  });

  it("replays a record written while the replay was finding the spool empty (a race once seen in CI)", async () => {
    const experiment = "alice/project/replay-race";
    const opts = await options({ flushTimeoutMs: 5000, closeTimeoutMs: 5000 });
    const record = (sequenceNumber: number) => ({ sequenceNumber, timestamp: new Date().toISOString(), message: `record ${sequenceNumber}` });
    await new Spool(opts.spoolDir as string).append([{ experiment, stream: "logs", records: [record(0)] }]);
    const sink = mongoSink(opts);
    // The replay looks twice before it calls the spool empty: outside the spool's queue, then in
    // it. A record written during the second look is appended behind it, so that look misses it.
    const pendingFiles = sink.spool.pendingFiles.bind(sink.spool);
    let emptyLooks = 0;
    let late: Promise<void> | undefined;
    sink.spool.pendingFiles = async (...args) => {
      const files = await pendingFiles(...args);
      if (files.length === 0 && sink.stats.replayed > 0 && ++emptyLooks === 2) {
        late = sink.write([{ experiment, stream: "logs", records: [record(1)] }]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return files;
    };
    await until(() => late !== undefined, "the replay to look at an empty spool twice");
    await late;
    const report = await sink.closeWithReport();
    expect(report.unwritten.records).toBe(0);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, experiment), 2)).toBe("");
  });

  it("records RUNNING while the run lasts", async () => {
    const sink = mongoSink(await options());
    const run = await new Experiment({ prefix: "alice/project/running", sink }).start();
    const doc = await target.client.db(target.database).collection("runs").findOne({ experiment: "alice/project/running" });
    expect(doc?.["status"]).toBe("RUNNING");
    expect(doc?.["runId"]).toBe(run.runId);
    await run.complete();
    await sink.close();
  });

  it("escapes $ and . in metadata keys (and reserved top-level names) and reads them back unchanged", async () => {
    const sink = mongoSink(await options());
    const metadata = { "$where": "x", "loss.val": 1, nested: { "a.b": { "$gt": 2 }, "100%": true }, __proto__x: 1 };
    await new Experiment({
      prefix: "alice/project/keys",
      sink,
      consumers: { odd: defineConsumer(() => ({ experiment: "mine", stream: "s", _id: 7, "x.y": 1 })) },
    }).run((exp) => void exp.log("keys", { metadata }));
    const report = await sink.closeWithReport();
    expect(report.rejected.records).toBe(0);
    const stored = await target.client.db(target.database).collection("logs").findOne({ experiment: "alice/project/keys" });
    expect(Object.keys(stored?.["metadata"] as object)).toEqual(["%24where", "loss%2Eval", "nested", "__proto__x"]);
    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    const [record] = await reader.tail("alice/project/keys", 1);
    expect(record?.["metadata"]).toEqual(metadata);
    const [odd] = await reader.tail("alice/project/keys", 1, { stream: "odd" });
    expect(odd).toEqual({ experiment: "mine", stream: "s", _id: 7, "x.y": 1, sequenceNumber: 0 });
    await reader.close();
  });

  it("rejects a record over 16 MiB with a clear error, keeps it on disk, and still writes the rest of the batch", async () => {
    const issues: DashlogIssue[] = [];
    const sink = mongoSink(await options({ onIssue: (issue) => issues.push(issue) }));
    await new Experiment({ prefix: "alice/project/big", sink }).run((exp) => {
      exp.log("before");
      exp.log("huge", { metadata: { blob: "x".repeat(17 * 1024 * 1024) } });
      exp.log("after");
    });
    const report = await sink.closeWithReport();
    expect(await storedSequenceNumbers(target, "alice/project/big")).toEqual([0, 2]);
    expect(report.complete).toBe(false);
    expect(report.rejected.records).toBe(1);
    expect(report.rejected.files[0]?.path).toMatch(/rejected\/alice\/project\/big\/logs\/logs\.jsonl$/);
    const rejected = issues.find((i) => i.name === "mongo rejected");
    expect(rejected?.message).toMatch(/record 1 cannot be stored in MongoDB: the document is \d+ bytes, over MongoDB's limit of 16777216 bytes/);
    expect(rejected?.message).toContain(report.rejected.files[0]?.path);
  });

  it("lets one writer at a time hold an experiment, and takes over a lease that expired", async () => {
    const first = mongoSink(await options());
    const second = mongoSink(await options());
    const run = await new Experiment({ prefix: "alice/project/locked", sink: first }).start();
    const error = await new Experiment({ prefix: "alice/project/locked", sink: second }).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExperimentLockedError);
    expect((error as Error).message).toContain(`run ${run.runId} (pid ${process.pid}`);
    await run.complete();
    const next = await new Experiment({ prefix: "alice/project/locked", sink: second }).start();
    await next.complete();

    const locks = target.client.db(target.database).collection<{ _id: string; runId?: string; pid?: number; hostname?: string; expiresAt?: Date }>("locks");
    const elsewhere = { runId: "other", pid: 1, hostname: "another-machine" };
    await locks.insertOne({ _id: "alice/project/lease", ...elsewhere, expiresAt: new Date(Date.now() + 60_000) });
    await expect(new Experiment({ prefix: "alice/project/lease", sink: second }).start()).rejects.toThrow(/run other \(pid 1 on another-machine/);
    await locks.updateOne({ _id: "alice/project/lease" }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    const taken = await new Experiment({ prefix: "alice/project/lease", sink: second }).start();
    expect((await locks.findOne({ _id: "alice/project/lease" }))?.["runId"]).toBe(taken.runId);
    await taken.complete();
    expect(await locks.findOne({ _id: "alice/project/lease" })).toBeNull();
    await first.close();
    await second.close();
  });

  it("renews the lease while the run lasts", async () => {
    const sink = mongoSink(await options({ lockLeaseMs: 300 }));
    const other = mongoSink(await options({ lockLeaseMs: 300 }));
    const run = await new Experiment({ prefix: "alice/project/renewed", sink }).start();
    const locks = target.client.db(target.database).collection<{ _id: string; expiresAt?: Date }>("locks");
    const first = (await locks.findOne({ _id: "alice/project/renewed" }))?.expiresAt?.getTime() ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 700));
    const later = (await locks.findOne({ _id: "alice/project/renewed" }))?.expiresAt?.getTime() ?? 0;
    expect(later).toBeGreaterThan(first);
    await expect(new Experiment({ prefix: "alice/project/renewed", sink: other }).start()).rejects.toThrow(ExperimentLockedError);
    await run.complete();
    await sink.close();
    await other.close();
  });

  it("checks its options and names the bad one", async () => {
    expect(() => mongoSink({ uri: "http://x" })).toThrow(/mongoSink option uri must start with mongodb:\/\//);
    expect(() => mongoSink({ uri: "mongodb://h", batchSize: 0 })).toThrow(/mongoSink option batchSize/);
    expect(() => mongoSink({ uri: "mongodb://h", maxConcurrentInserts: 0 })).toThrow(/mongoSink option maxConcurrentInserts.*0/);
    expect(() => mongoSink({ uri: "mongodb://h", maxConcurrentInserts: 1.5 })).toThrow(/mongoSink option maxConcurrentInserts.*1\.5/);
    expect(() => mongoSink({ uri: "mongodb://h", colections: {} } as never)).toThrow(/unknown option, got "colections"/);
    expect(() => mongoSink({ uri: "mongodb://h", collections: { logs: "a", streams: "a" } })).toThrow(/eight different collections/);
  });
});
