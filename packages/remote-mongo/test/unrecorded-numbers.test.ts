import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Experiment, type SequenceRange } from "@dashlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongoReader, mongoSink } from "../src/index.js";
import { ensureBuilt } from "./helpers/ensure-built.js";
import { TEST_CLIENT_OPTIONS, startTarget, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/killed-between-steps.mjs", import.meta.url));
const BLOCK = 37;
const cleanups: (() => Promise<void>)[] = [];

let target: MongoTarget;
beforeAll(async () => {
  ensureBuilt();
  target = await startTarget("unrecorded");
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await target.close();
});

function numbers(ranges: readonly SequenceRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i));
}

async function killedBetweenSteps(prefix: string, worker: string, records: number): Promise<{ signal: NodeJS.Signals | null; first: number; stderr: string }> {
  const spool = await tempDir();
  cleanups.push(spool.remove);
  const child = spawn(process.execPath, [FIXTURE, target.uri, target.database, spool.path, prefix, String(records), String(BLOCK)], {
    env: { ...process.env, RANK: worker, DASHLOG_RUN_ID: "job-k" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve({ signal, first: Number(stdout.trim()), stderr })));
}

describe("a worker killed between the counter's $inc and recording its block (MongoDB)", () => {
  it("its part states the block it took and never recorded; every number below the counter is a record, stated unused, or stated unrecorded", async () => {
    const prefix = "team/project/unrecorded";
    const killed = await killedBetweenSteps(prefix, "victim.1", 120);
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(Number.isSafeInteger(killed.first)).toBe(true);
    // Another worker continues, and ends.
    const spool = await tempDir();
    cleanups.push(spool.remove);
    const sink = mongoSink({ uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS });
    await new Experiment({ prefix, sink, runId: "job-k", worker: "survivor", batchSize: 50 }).run((exp) => {
      for (let i = 0; i < 300; i++) exp.log(`survivor ${i}`);
    });
    await sink.close();

    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    try {
      const [run] = await reader.runs(prefix);
      expect(run).toMatchObject({ runId: "job-k", status: "FAILED" });
      expect(run?.error?.message).toMatch(/worker victim\.1 crashed/);
      const victim = run?.workers?.find((w) => w.worker === "victim.1");
      const survivor = run?.workers?.find((w) => w.worker === "survivor");
      expect(victim?.effectiveStatus).toBe("CRASHED");
      expect(victim?.unrecordedSequenceNumbers).toEqual([{ first: killed.first, count: BLOCK }]);
      expect(victim?.unrecordedSharedWith).toBeUndefined();
      expect(victim?.takenSequenceNumbers).toBe(numbers(victim?.reserved ?? []).length + BLOCK);
      expect(survivor).toMatchObject({ effectiveStatus: "COMPLETED", takenSequenceNumbers: numbers(survivor?.reserved ?? []).length });
      expect(survivor?.unrecordedSequenceNumbers).toBeUndefined();

      const records: number[] = [];
      for await (const record of reader.read(prefix)) records.push(record.sequenceNumber);
      expect(records).toHaveLength(420);
      expect(new Set(records).size).toBe(records.length);
      const stated = new Set(records);
      for (const w of run?.workers ?? []) for (const n of [...numbers(w.unusedSequenceNumbers ?? []), ...numbers(w.unrecordedSequenceNumbers ?? [])]) stated.add(n);
      // A crashed worker states no unused numbers: the rest of its own blocks, past its records, are them.
      const its = numbers(victim?.reserved ?? []);
      for (const n of its.slice(records.filter((n) => its.includes(n)).length)) stated.add(n);
      const counter = await target.client.db(target.database).collection<{ _id: string; next: number }>("counters").findOne({ _id: prefix });
      expect([...stated].sort((a, b) => a - b)).toEqual(Array.from({ length: counter?.next ?? -1 }, (_, i) => i));
      expect(numbers(victim?.unrecordedSequenceNumbers ?? []).filter((n) => records.includes(n))).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);
});
