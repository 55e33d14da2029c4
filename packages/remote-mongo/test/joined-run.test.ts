import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SequenceRange } from "@dashlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongoReader } from "../src/index.js";
import { ensureBuilt } from "./helpers/ensure-built.js";
import { TEST_CLIENT_OPTIONS, startTarget, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const WRITER = fileURLToPath(new URL("./fixtures/joined-writer.mjs", import.meta.url));
const WORKERS = 8;
/** Records per writer: 2,000 on every run; DASHLOG_LONG_TESTS=1 runs issue 17's figure, 100,000. */
const RECORDS = process.env["DASHLOG_LONG_TESTS"] === "1" ? 100_000 : 2_000;

let target: MongoTarget;
beforeAll(async () => {
  ensureBuilt();
  target = await startTarget("joined");
});
afterAll(async () => {
  await target.close();
});

async function startWorker(prefix: string, rank: number, mode: "count" | "forever") {
  // Each worker its own spool: processes that share nothing but the server.
  const spool = (await tempDir()).path;
  const child = spawn(process.execPath, [WRITER, target.uri, target.database, spool, prefix, String(RECORDS), mode], {
    env: { ...process.env, RANK: String(rank), DASHLOG_RUN_ID: "job-1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

async function stored(prefix: string): Promise<{ sequenceNumber: number; worker: string; i: number }[]> {
  const docs = await target.client
    .db(target.database)
    .collection("logs")
    .find({ experiment: prefix }, { projection: { _id: 0, sequenceNumber: 1, worker: 1, metadata: 1 }, batchSize: 100_000 })
    .toArray();
  return docs.map((d) => ({ sequenceNumber: d["sequenceNumber"] as number, worker: d["worker"] as string, i: (d["metadata"] as { i: number }).i }));
}

function numbers(ranges: readonly SequenceRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i));
}

describe("a run joined by several processes (MongoDB)", () => {
  it(`${WORKERS} processes x ${RECORDS} records: none lost, none duplicated, numbers unique, every reserved number used or stated unused`, async () => {
    const prefix = "team/project/joined-all";
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, rank) => startWorker(prefix, rank, "count")));
    for (const r of await Promise.all(workers.map((w) => w.exited))) expect(r, r.stderr).toMatchObject({ code: 0 });
    const records = await stored(prefix);
    expect(records).toHaveLength(WORKERS * RECORDS);
    const seqs = records.map((r) => r.sequenceNumber);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let rank = 0; rank < WORKERS; rank++) {
      const mine = records.filter((r) => r.worker === String(rank)).sort((a, b) => a.sequenceNumber - b.sequenceNumber);
      expect(mine.length).toBe(RECORDS);
      expect(mine.findIndex((r, i) => r.i !== i)).toBe(-1);
    }
    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    try {
      const [run] = await reader.runs(prefix);
      expect(run).toMatchObject({ runId: "job-1", status: "COMPLETED" });
      expect(run?.workers?.map((w) => w.effectiveStatus)).toEqual(Array(WORKERS).fill("COMPLETED"));
      const reserved = run?.workers?.flatMap((w) => numbers(w.reserved)) ?? [];
      const unused = run?.workers?.flatMap((w) => numbers(w.unusedSequenceNumbers ?? [])) ?? [];
      expect(new Set(reserved).size).toBe(reserved.length);
      expect([...seqs, ...unused].sort((a, b) => a - b)).toEqual([...reserved].sort((a, b) => a - b));
      // The counter's count of every worker matches its part: nothing unrecorded, every number below the counter accounted for.
      expect(run?.workers?.flatMap((w) => w.unrecordedSequenceNumbers ?? [])).toEqual([]);
      expect(run?.workers?.every((w) => w.takenSequenceNumbers === numbers(w.reserved).length)).toBe(true);
      expect([...reserved].sort((a, b) => a - b)).toEqual(Array.from({ length: reserved.length }, (_, i) => i));
      const two: number[] = [];
      for await (const record of reader.read(prefix, { worker: "2" })) two.push(record.sequenceNumber);
      expect(two).toHaveLength(RECORDS);
      expect((await reader.byWorker(prefix)).get("6")).toHaveLength(RECORDS);
    } finally {
      await reader.close();
    }
  }, 1_800_000);

  it("one worker SIGKILLed midway: the others finish, the run is FAILED naming it, its records are a gap-free prefix of its reservations", async () => {
    const prefix = "team/project/joined-kill";
    const victim = 5;
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, rank) => startWorker(prefix, rank, rank === victim ? "forever" : "count")));
    for (;;) {
      const count = await target.client.db(target.database).collection("logs").countDocuments({ experiment: prefix, worker: String(victim) });
      if (count >= RECORDS / 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    workers[victim]?.child.kill("SIGKILL");
    const results = await Promise.all(workers.map((w) => w.exited));
    results.forEach((r, rank) => {
      if (rank === victim) expect(r.signal).toBe("SIGKILL");
      else expect(r, r.stderr).toMatchObject({ code: 0 });
    });
    const records = await stored(prefix);
    const seqs = records.map((r) => r.sequenceNumber);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let rank = 0; rank < WORKERS; rank++) if (rank !== victim) expect(records.filter((r) => r.worker === String(rank))).toHaveLength(RECORDS);
    const killed = records.filter((r) => r.worker === String(victim)).sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    expect(killed.map((r) => r.i)).toEqual(Array.from({ length: killed.length }, (_, i) => i));
    const reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS });
    try {
      const [run] = await reader.runs(prefix);
      expect(run?.status).toBe("FAILED");
      expect(run?.error?.message).toMatch(new RegExp(`worker ${victim} crashed`));
      const part = run?.workers?.find((w) => w.worker === String(victim));
      expect(part?.effectiveStatus).toBe("CRASHED");
      const its = numbers(part?.reserved ?? []);
      expect(killed.map((r) => r.sequenceNumber)).toEqual(its.slice(0, killed.length));
      const stored = new Set(seqs);
      expect(its.slice(killed.length).filter((n) => stored.has(n))).toEqual([]);
      // Every number below the counter is a record, stated unused by a worker that ended, the rest
      // of the victim's listed blocks, or stated unrecorded (taken by the victim as it was killed).
      const accounted = [
        ...seqs,
        ...(run?.workers ?? []).flatMap((w) => [...numbers(w.unusedSequenceNumbers ?? []), ...numbers(w.unrecordedSequenceNumbers ?? [])]),
        ...its.slice(killed.length),
      ].sort((a, b) => a - b);
      expect(accounted).toEqual(Array.from({ length: accounted.length }, (_, i) => i));
      expect(run?.workers?.filter((w) => w.worker !== String(victim)).flatMap((w) => w.unrecordedSequenceNumbers ?? [])).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 1_800_000);
});
