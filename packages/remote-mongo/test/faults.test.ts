import { existsSync } from "node:fs";
import { Experiment, type DashlogIssue, type Run } from "@dashlog/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mongoSink, type MongoSinkOptions } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, exactlyOnceProblems, startTarget, storedSequenceNumbers, until, type MongoTarget } from "./helpers/mongo-target.js";
import { faultSinkOptions } from "./helpers/fault-sink-options.js";

let target: MongoTarget;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  target = await startTarget("faults");
});
afterAll(async () => {
  await target.close();
});
afterEach(async () => {
  target.server?.clearFaults();
  await target.proxy.restart();
  target.proxy.resume();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function sinkOptions(extra: Partial<MongoSinkOptions> = {}): Promise<MongoSinkOptions> {
  return faultSinkOptions(target, cleanups, extra);
}

/** Logs `n` records, yielding to the event loop every `chunk` so the sink works meanwhile; `each` runs after every chunk. */
async function logMany(run: Run, n: number, chunk: number, each?: (logged: number) => void | Promise<void>): Promise<void> {
  for (let i = 0; i < n; i++) {
    run.log(`step ${i}`, { metadata: { i } });
    if ((i + 1) % chunk === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      await each?.(i + 1);
    }
  }
}

describe("faults (via a TCP proxy: the same against the test server and a real MongoDB)", () => {
  it("kills the connection in the middle of a 100,000-record run and ends with every sequence number exactly once", async () => {
    const issues: DashlogIssue[] = [];
    const sink = mongoSink(await sinkOptions({ batchSize: 2000, maxQueueLength: 200_000, onIssue: (i) => issues.push(i) }));
    const run = await new Experiment({ prefix: "faults/kill-connection", sink, batchSize: 2000, maxQueueLength: 200_000 }).start();
    const kills: number[] = [];
    await logMany(run, 100_000, 1000, async (logged) => {
      // Cut every connection twice while records are still being logged and inserted.
      if (logged === 30_000 || logged === 60_000) {
        await until(() => target.proxy.connections > 0, "the driver to be connected");
        kills.push(target.proxy.dropConnections());
      }
    });
    const summary = await run.complete();
    const report = await sink.closeWithReport();
    expect(kills).toHaveLength(2);
    expect(kills.every((n) => n > 0)).toBe(true);
    expect(summary.dropped).toBe(0);
    expect(report.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/kill-connection"), 100_000)).toBe("");
  });

  it("survives an outage longer than the queue holds: spills to the spool, replays after the restart, every record exactly once", async () => {
    const issues: DashlogIssue[] = [];
    const options = await sinkOptions({ batchSize: 200, maxQueueLength: 500, flushTimeoutMs: 20_000, onIssue: (i) => issues.push(i) });
    const sink = mongoSink(options);
    const run = await new Experiment({ prefix: "faults/outage", sink, batchSize: 200 }).start();
    await logMany(run, 100, 50);
    await run.flush();
    await until(() => sink.stats.inserted >= 100, "the first 100 records");
    await target.proxy.stop();
    await logMany(run, 3000, 100);
    // Not run.flush(): that also flushes the sink, which waits flushTimeoutMs for MongoDB.
    await until(() => run.stats.queued === 0, "core to hand the records to the sink");
    await until(() => sink.stats.spooled >= 2000, "records to reach the spool");
    // The queue went to the spool too, so the pump is already trying to replay it (renamed *.replaying).
    expect(existsSync(`${options.spoolDir}/pending/faults/outage/logs/logs.jsonl`) || existsSync(`${options.spoolDir}/pending/faults/outage/logs/logs.jsonl.replaying`)).toBe(true);
    expect(issues.some((i) => i.name === "mongo spill")).toBe(true);
    await target.proxy.restart();
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.unwritten.records).toBe(0);
    expect(report.complete).toBe(true);
    expect(sink.stats.replayed).toBeGreaterThanOrEqual(2000);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/outage"), 3100)).toBe("");
    const status = await target.client.db(target.database).collection("runs").findOne({ experiment: "faults/outage" });
    expect(status?.["status"]).toBe("COMPLETED");
  });

  it("reports exactly what could not be written at close, and where; a later sink replays it", async () => {
    const options = await sinkOptions({ batchSize: 100, maxQueueLength: 300, flushTimeoutMs: 300, closeTimeoutMs: 300 });
    const sink = mongoSink(options);
    const experiment = new Experiment({ prefix: "faults/close-down", sink });
    const run = await experiment.start();
    await target.proxy.stop();
    await logMany(run, 1000, 100);
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(false);
    expect(report.unwritten.records).toBe(1000);
    expect(report.unwritten.files.map((f) => f.path.slice(report.spoolDir.length))).toEqual(["/pending/faults/close-down/logs/logs.jsonl"]);
    await target.proxy.restart();

    const again = mongoSink(options);
    const next = await new Experiment({ prefix: "faults/close-down", sink: again }).start();
    // The spool counts: numbering continues after what is waiting there, not after what MongoDB has.
    expect(next.firstSequenceNumber).toBe(1000);
    next.log("after the outage");
    await next.complete();
    const second = await again.closeWithReport();
    expect(second.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/close-down"), 1001)).toBe("");
    const runs = await target.client.db(target.database).collection("runs").find({ experiment: "faults/close-down" }).sort({ firstSequenceNumber: 1 }).toArray();
    // The first run's COMPLETED was spooled while the server was away and replayed.
    expect(runs.map((r) => [r["status"], r["nextSequenceNumber"]])).toEqual([
      ["COMPLETED", 1000],
      ["COMPLETED", 1001],
    ]);
  });

  it("holds records while traffic stalls and sends them when it resumes", async () => {
    const sink = mongoSink(await sinkOptions({ clientOptions: { ...TEST_CLIENT_OPTIONS, socketTimeoutMS: 400 } }));
    const run = await new Experiment({ prefix: "faults/stall", sink }).start();
    await logMany(run, 100, 10);
    await run.flush();
    await until(() => sink.stats.inserted >= 100, "the first records");
    target.proxy.pause();
    await logMany(run, 500, 50);
    await until(() => run.stats.queued === 0, "core to hand the records to the sink");
    await new Promise((resolve) => setTimeout(resolve, 600));
    target.proxy.resume();
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/stall"), 600)).toBe("");
  });
});

describe("faults only the test server can inject", () => {
  it("sends unordered insertMany batches of at most batchSize documents", async (context) => {
    if (target.server === undefined) context.skip();
    const inserts: { n: number; ordered: unknown }[] = [];
    // A rule whose `when` never matches: it only watches the insert commands go by.
    target.server!.inject({
      commands: ["insert"],
      collection: "logs",
      when: (command) => {
        inserts.push({ n: (command["documents"] as unknown[]).length, ordered: command["ordered"] });
        return false;
      },
      action: { kind: "drop" },
    });
    const sink = mongoSink(await sinkOptions({ batchSize: 300 }));
    const run = await new Experiment({ prefix: "faults/batches", sink }).start();
    await logMany(run, 3000, 1000);
    await run.complete();
    await sink.close();
    expect(inserts.reduce((n, i) => n + i.n, 0)).toBe(3000);
    expect(Math.max(...inserts.map((i) => i.n))).toBe(300);
    expect(inserts.every((i) => i.ordered === false)).toBe(true);
  });

  it("keeps at most maxConcurrentInserts inserts on their way", async (context) => {
    if (target.server === undefined) context.skip();
    const stall = target.server!.inject({ commands: ["insert"], collection: "logs", action: { kind: "stall" } });
    const sink = mongoSink(await sinkOptions({ batchSize: 100, maxConcurrentInserts: 3 }));
    const run = await new Experiment({ prefix: "faults/concurrent", sink, batchSize: 100 }).start();
    await logMany(run, 1000, 100);
    await until(() => stall.matched >= 3, "three inserts on their way");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stall.matched).toBe(3);
    stall.remove();
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/concurrent"), 1000)).toBe("");
  });

  it("lets records leave the queue only once every batch before them is stored", async (context) => {
    if (target.server === undefined) context.skip();
    // The first batch hangs; the two behind it are stored meanwhile.
    const first = target.server!.inject({ commands: ["insert"], collection: "logs", times: 1, action: { kind: "stall" } });
    const sink = mongoSink(await sinkOptions({ batchSize: 100, maxConcurrentInserts: 2 }));
    const run = await new Experiment({ prefix: "faults/out-of-order", sink, batchSize: 100 }).start();
    await logMany(run, 300, 100);
    await until(() => sink.stats.inserted >= 200, "the batches behind the stalled one");
    expect(sink.stats.queued).toBe(300);
    first.remove();
    await until(() => sink.stats.queued === 0, "the queue to empty");
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.stats.inserted).toBe(300);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/out-of-order"), 300)).toBe("");
  });

  it("survives the server itself stopping and restarting on the same port", async (context) => {
    if (target.server === undefined) context.skip();
    const server = target.server!;
    const sink = mongoSink(await sinkOptions({ batchSize: 100, maxQueueLength: 200, flushTimeoutMs: 20_000 }));
    const run = await new Experiment({ prefix: "faults/server-restart", sink }).start();
    await logMany(run, 500, 100);
    await run.flush();
    await until(() => sink.stats.inserted >= 500, "the first records");
    await server.stop();
    await logMany(run, 1500, 100);
    await until(() => run.stats.queued === 0, "core to hand the records to the sink");
    await until(() => sink.stats.spooled > 0, "records to reach the spool");
    await server.restart();
    await run.complete();
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/server-restart"), 2000)).toBe("");
  });

  it("retries NotWritablePrimary (10107) and lost replies, counting duplicates as written", async (context) => {
    if (target.server === undefined) context.skip();
    const server = target.server!;
    const stepdown = server.inject({ commands: ["insert"], collection: "logs", skip: 2, times: 3, action: { kind: "error", code: 10107, codeName: "NotWritablePrimary" } });
    const lost = server.inject({ commands: ["insert"], collection: "logs", skip: 8, times: 2, action: { kind: "drop", afterApply: true } });
    const sink = mongoSink(await sinkOptions({ batchSize: 500 }));
    const run = await new Experiment({ prefix: "faults/stepdown", sink, batchSize: 500 }).start();
    await logMany(run, 20_000, 500);
    await run.complete();
    const report = await sink.closeWithReport();
    expect(stepdown.hits).toBe(3);
    expect(lost.hits).toBe(2);
    expect(report.stats.retries).toBeGreaterThanOrEqual(5);
    expect(report.stats.duplicates).toBeGreaterThan(0);
    expect(report.complete).toBe(true);
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, "faults/stepdown"), 20_000)).toBe("");
  });

  it("sets aside documents the server refuses for good, and writes the rest of the batch", async (context) => {
    if (target.server === undefined) context.skip();
    target.server!.inject({
      commands: ["insert"],
      collection: "logs",
      times: 1,
      action: { kind: "writeErrors", code: 121, message: "Document failed validation", select: (doc) => doc["sequenceNumber"] === 3 },
    });
    const sink = mongoSink(await sinkOptions());
    const run = await new Experiment({ prefix: "faults/validation", sink }).start();
    await logMany(run, 10, 10);
    await run.complete();
    const report = await sink.closeWithReport();
    expect(await storedSequenceNumbers(target, "faults/validation")).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    expect(report.rejected.records).toBe(1);
    expect(report.complete).toBe(false);
  });
});
