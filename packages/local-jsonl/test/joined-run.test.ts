import { spawn } from "node:child_process";
import { appendFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Experiment, ExperimentLockedError, type ReadIssue, type SequenceRange, type StoredRecord } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { jsonlReader } from "../src/jsonl-reader.js";
import { localJsonl } from "../src/jsonl-sink.js";
import { parseLine, recordSchemaFor } from "../src/line-parser.js";
import { tempRoot } from "./helpers.js";

const worker = fileURLToPath(new URL("./fixtures/joined-worker.mjs", import.meta.url));
const prefix = "team/project/joined";
const WORKERS = 8;
const RECORDS = 2_000;

function startWorker(root: string, rank: number, mode: "count" | "forever" | "exit-while-ending") {
  const child = spawn(process.execPath, [worker, root, String(RECORDS), mode], {
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

/**
 * The complete lines of logs.jsonl, parsed. Read while workers write, the file can end in
 * the middle of a write: that unfinished tail is left out. `torn` counts lines a killed
 * writer left unfinished, whose text the next write was glued to.
 */
async function logLines(root: string, torn: string[] = []): Promise<StoredRecord[]> {
  const text = await readFile(join(root, prefix, "logs", "logs.jsonl"), "utf8").catch(() => "");
  const records: StoredRecord[] = [];
  for (const line of text.slice(0, text.lastIndexOf("\n") + 1).split("\n")) {
    if (line === "") continue;
    const parsed = parseLine(line, recordSchemaFor("logs"), true);
    if (!parsed.ok) throw new Error(`${parsed.issue.kind}: ${parsed.issue.message}: ${parsed.issue.text}`);
    if (parsed.torn !== undefined) torn.push(parsed.torn.text);
    records.push(parsed.record);
  }
  return records;
}

function numbers(ranges: readonly SequenceRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i));
}

describe("a run joined by several processes (local JSONL)", () => {
  it(`${WORKERS} processes x ${RECORDS} records: none lost, none duplicated, numbers unique, every reserved number used or stated unused`, async () => {
    const root = await tempRoot();
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, rank) => startWorker(root, rank, "count").exited));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const torn: string[] = [];
    const records = await logLines(root, torn);
    expect(torn).toEqual([]);
    expect(records).toHaveLength(WORKERS * RECORDS);
    const seqs = records.map((r) => r.sequenceNumber);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let rank = 0; rank < WORKERS; rank++) {
      const mine = records.filter((r) => r["worker"] === String(rank));
      expect(mine.map((r) => (r["metadata"] as { i: number }).i)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    }
    const reader = jsonlReader({ root });
    const [run] = await reader.runs(prefix);
    expect(run).toMatchObject({ runId: "job-1", status: "COMPLETED", effectiveStatus: "COMPLETED" });
    expect(run?.workers?.map((w) => w.effectiveStatus)).toEqual(Array(WORKERS).fill("COMPLETED"));
    const reserved = run?.workers?.flatMap((w) => numbers(w.reserved)) ?? [];
    const unused = run?.workers?.flatMap((w) => numbers(w.unusedSequenceNumbers ?? [])) ?? [];
    expect(new Set(reserved).size).toBe(reserved.length);
    expect([...seqs, ...unused].sort((a, b) => a - b)).toEqual([...reserved].sort((a, b) => a - b));
    // No worker took numbers from the counter that its part does not list: nothing unrecorded, and every number below the counter is accounted for.
    expect(run?.workers?.flatMap((w) => w.unrecordedSequenceNumbers ?? [])).toEqual([]);
    expect([...reserved].sort((a, b) => a - b)).toEqual(Array.from({ length: reserved.length }, (_, i) => i));
    // ml-dash's next number is past every block reserved, so its next run cannot collide.
    expect(await readFile(join(root, prefix, "logs", ".log_sequence"), "utf8")).toBe(String(Math.max(...reserved) + 1));
    // Readers: merged order, per-worker view, worker filter.
    const merged: number[] = [];
    const issues: unknown[] = [];
    for await (const record of reader.readMerged(prefix, { onIssue: (i) => issues.push(i) })) merged.push(record.sequenceNumber);
    expect(merged).toEqual([...seqs].sort((a, b) => a - b));
    expect(issues).toEqual([]);
    const view = await reader.byWorker(prefix);
    expect([...view.keys()].sort()).toEqual(Array.from({ length: WORKERS }, (_, i) => String(i)));
    expect(view.get("5")?.map((r) => r["message"])).toEqual(Array.from({ length: RECORDS }, (_, i) => `record ${i}`));
    const filtered: StoredRecord[] = [];
    for await (const record of reader.read(prefix, { worker: "2" })) filtered.push(record);
    expect(filtered).toHaveLength(RECORDS);
    expect(await reader.tail(prefix, 3, { worker: "7" })).toHaveLength(3);
  }, 120_000);

  it("one worker SIGKILLed midway: the others finish, the run is FAILED naming it, its records are a gap-free prefix, its unused numbers are accounted for", async () => {
    const root = await tempRoot();
    const victim = 3;
    const workers = Array.from({ length: WORKERS }, (_, rank) => startWorker(root, rank, rank === victim ? "forever" : "count"));
    for (;;) {
      const mine = (await logLines(root)).filter((r) => r["worker"] === String(victim));
      if (mine.length >= 500) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    workers[victim]?.child.kill("SIGKILL");
    const results = await Promise.all(workers.map((w) => w.exited));
    results.forEach((r, rank) => {
      if (rank === victim) expect(r.signal).toBe("SIGKILL");
      else expect(r, r.stderr).toMatchObject({ code: 0 });
    });
    // The kill may land inside the victim's write(2): at most that one line is left unfinished.
    const torn: string[] = [];
    const records = await logLines(root, torn);
    expect(torn.length).toBeLessThanOrEqual(1);
    const seqs = records.map((r) => r.sequenceNumber);
    expect(new Set(seqs).size).toBe(seqs.length);
    for (let rank = 0; rank < WORKERS; rank++) {
      if (rank === victim) continue;
      expect(records.filter((r) => r["worker"] === String(rank))).toHaveLength(RECORDS);
    }
    const killed = records.filter((r) => r["worker"] === String(victim));
    expect(killed.map((r) => (r["metadata"] as { i: number }).i)).toEqual(Array.from({ length: killed.length }, (_, i) => i));
    const [run] = await jsonlReader({ root }).runs(prefix);
    expect(run?.status).toBe("FAILED");
    expect(run?.error?.message).toMatch(new RegExp(`worker ${victim} crashed`));
    const part = run?.workers?.find((w) => w.worker === String(victim));
    expect(part?.effectiveStatus).toBe("CRASHED");
    expect(run?.workers?.filter((w) => w.effectiveStatus === "COMPLETED")).toHaveLength(WORKERS - 1);
    // Its records used the first numbers of its reservations, in order; the rest were never used.
    const itsNumbers = numbers(part?.reserved ?? []);
    expect(killed.map((r) => r.sequenceNumber)).toEqual(itsNumbers.slice(0, killed.length));
    const stored = new Set(seqs);
    expect(itsNumbers.slice(killed.length).filter((n) => stored.has(n))).toEqual([]);
    // Every number below the counter is a record, stated unused by a worker that ended, the rest
    // of the victim's listed blocks, or stated unrecorded (taken by the victim as it was killed).
    const accounted = [
      ...seqs,
      ...(run?.workers ?? []).flatMap((w) => [...numbers(w.unusedSequenceNumbers ?? []), ...numbers(w.unrecordedSequenceNumbers ?? [])]),
      ...itsNumbers.slice(killed.length),
    ].sort((a, b) => a - b);
    expect(accounted).toEqual(Array.from({ length: accounted.length }, (_, i) => i));
    expect(run?.workers?.filter((w) => w.worker !== String(victim)).flatMap((w) => w.unrecordedSequenceNumbers ?? [])).toEqual([]);
  }, 120_000);

  it("records a worker's end when it exits while complete() is still ending, every record numbered and written", async () => {
    const root = await tempRoot();
    const result = await startWorker(root, 0, "exit-while-ending").exited;
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const records = await logLines(root);
    expect(records.map((r) => (r["metadata"] as { i: number }).i)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    const [run] = await jsonlReader({ root }).runs(prefix);
    expect(run?.status).toBe("COMPLETED");
    const part = run?.workers?.[0];
    expect(part?.effectiveStatus).toBe("COMPLETED");
    const reserved = numbers(part?.reserved ?? []);
    const unused = numbers(part?.unusedSequenceNumbers ?? []);
    expect([...records.map((r) => r.sequenceNumber), ...unused].sort((a, b) => a - b)).toEqual(reserved);
  });

  it("refuses a second process part with the same worker name in the same run, and a run of its own while workers write", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const first = await new Experiment({ prefix, sink, runId: "job-2", worker: "a" }).start();
    await expect(new Experiment({ prefix, sink, runId: "job-2", worker: "a" }).start()).rejects.toThrow(ExperimentLockedError);
    const second = await new Experiment({ prefix, sink, runId: "job-2", worker: "b" }).start();
    first.log("from a");
    second.log("from b");
    await Promise.all([first.complete(), second.complete()]);
    const records = await logLines(root);
    expect(records.map((r) => r["worker"]).sort()).toEqual(["a", "b"]);
    // A run of its own afterwards numbers past every reserved block, and writes the seed's line.
    await new Experiment({ prefix, sink }).run((exp) => {
      exp.log("alone");
    });
    const all = await logLines(root);
    const alone = all.at(-1);
    expect(Object.keys(alone ?? {})).toEqual(["timestamp", "level", "message", "metadata", "sequenceNumber"]);
    const [runA] = await jsonlReader({ root }).runs(prefix);
    const reservedMax = Math.max(...(runA?.workers ?? []).flatMap((w) => w.reserved.map((r) => r.first + r.count)));
    expect(alone?.sequenceNumber).toBeGreaterThanOrEqual(reservedMax);
    sink.close();
  });

  it("keeps the record a worker appended right after a write another worker left unfinished when it was killed", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const a = await new Experiment({ prefix, sink, runId: "job-3", worker: "a" }).start();
    const b = await new Experiment({ prefix, sink, runId: "job-3", worker: "b" }).start();
    a.log("first", { metadata: { i: 1 } });
    await a.flush();
    // What a write(2) cut short by SIGKILL leaves: the start of a line, no newline.
    const path = join(root, prefix, "logs", "logs.jsonl");
    await appendFile(path, '{"timestamp":"2026-12-02T00:00:00.000Z","level":"info","message":"cut sh');
    b.log("second", { metadata: { nested: { deep: [1, { x: 2 }] } } });
    await Promise.all([a.complete(), b.complete()]);
    const issues: ReadIssue[] = [];
    const messages: string[] = [];
    for await (const record of jsonlReader({ root }).read(prefix, { onIssue: (issue) => issues.push(issue) })) messages.push(String(record.message));
    expect(messages).toEqual(["first", "second"]);
    expect(issues).toEqual([expect.objectContaining({ kind: "torn", line: 2, text: expect.stringContaining("cut sh") })]);
    const tailed = await jsonlReader({ root }).tail(prefix, 5);
    expect(tailed.map((r) => r.message)).toEqual(["first", "second"]);
    sink.close();
  });
});
