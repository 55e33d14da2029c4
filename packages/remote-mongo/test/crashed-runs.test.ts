import { hostname } from "node:os";
import { CRASHED_ERROR_NAME, Experiment } from "@dashlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongoReader, mongoSink } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, startTarget, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

let target: MongoTarget;
beforeAll(async () => {
  target = await startTarget("crashed_runs");
});
afterAll(async () => {
  await target.close();
});

/** A run stored RUNNING by a process on another host, with the experiment's lease until `expiresAt`. */
async function leftRunning(prefix: string, expiresAt: Date): Promise<void> {
  const db = target.client.db(target.database);
  const other = `not-${hostname()}`;
  await db.collection("runs").insertOne({ experiment: prefix, runId: "r-old", status: "RUNNING", startedAt: new Date("2026-01-01T00:00:00Z"), firstSequenceNumber: 0, pid: 42, hostname: other });
  await db.collection("locks").insertOne({ _id: prefix as never, runId: "r-old", pid: 42, hostname: other, expiresAt });
}

describe("a MongoDB run whose writer is gone", () => {
  it("is RUNNING while its lease lasts, CRASHED once it expired, and the next run records its end", async () => {
    const prefix = "crash/lease";
    await leftRunning(prefix, new Date(Date.now() + 60_000));
    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    try {
      expect((await reader.runs(prefix)).map((r) => [r.status, r.effectiveStatus, r.crashed])).toEqual([["RUNNING", "RUNNING", false]]);

      await target.client.db(target.database).collection("locks").updateOne({ _id: prefix as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      const [expired] = await reader.runs(prefix);
      expect([expired?.status, expired?.effectiveStatus, expired?.crashed]).toEqual(["RUNNING", "CRASHED", true]);
      expect(expired?.crashReason).toMatch(/^its lease expired at /);

      const spool = await tempDir();
      const sink = mongoSink({ uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS, flushIntervalMs: 5 });
      try {
        await new Experiment({ prefix, sink }).run((exp) => {
          exp.log("took over");
        });
      } finally {
        await sink.close();
        await spool.remove();
      }
      const runs = await reader.runs(prefix);
      expect(runs.map((r) => [r.runId === "r-old", r.status, r.effectiveStatus])).toEqual([
        [true, "FAILED", "CRASHED"],
        [false, "COMPLETED", "COMPLETED"],
      ]);
      expect(runs[0]?.error?.name).toBe(CRASHED_ERROR_NAME);
      expect(runs[0]?.nextSequenceNumber).toBe(runs[1]?.firstSequenceNumber);
    } finally {
      await reader.close();
    }
  });

  it("is CRASHED when the lock names another run", async () => {
    const prefix = "crash/lock-taken";
    await leftRunning(prefix, new Date(Date.now() + 60_000));
    await target.client.db(target.database).collection("locks").updateOne({ _id: prefix as never }, { $set: { runId: "r-new" } });
    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    try {
      const [run] = await reader.runs(prefix);
      expect([run?.effectiveStatus, run?.crashReason]).toEqual(["CRASHED", "the experiment's lock is held by run r-new: this run ended without recording its end"]);
    } finally {
      await reader.close();
    }
  });
});
