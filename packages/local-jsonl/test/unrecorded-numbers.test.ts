import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Experiment, type SequenceRange } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { jsonlReader } from "../src/jsonl-reader.js";
import { localJsonl } from "../src/jsonl-sink.js";
import { tempRoot } from "./helpers.js";

const fixture = fileURLToPath(new URL("./fixtures/killed-between-steps.mjs", import.meta.url));
const prefix = "team/project/joined";
const BLOCK = 37;

function numbers(ranges: readonly SequenceRange[]): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.count }, (_, i) => r.first + i));
}

function killedBetweenSteps(root: string, worker: string, records: number): Promise<{ signal: NodeJS.Signals | null; first: number; stderr: string }> {
  const child = spawn(process.execPath, [fixture, root, String(records), String(BLOCK)], {
    env: { ...process.env, RANK: worker, DASHLOG_RUN_ID: "job-k" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve({ signal, first: Number(stdout.trim()), stderr })));
}

describe("a worker killed between moving the counter and recording its block (local JSONL)", () => {
  it("its part states the block it took and never recorded; every number below the counter is a record, stated unused, or stated unrecorded", async () => {
    const root = await tempRoot();
    const killed = await killedBetweenSteps(root, "victim", 120);
    expect(killed.signal, killed.stderr).toBe("SIGKILL");
    expect(Number.isSafeInteger(killed.first)).toBe(true);
    // Another worker continues: its first reservation waits for the killed worker's lock to go stale.
    const sink = localJsonl({ root });
    await new Experiment({ prefix, sink, runId: "job-k", worker: "survivor", batchSize: 50 }).run((exp) => {
      for (let i = 0; i < 300; i++) exp.log(`survivor ${i}`);
    });
    sink.close();

    const reader = jsonlReader({ root });
    const [run] = await reader.runs(prefix);
    expect(run).toMatchObject({ runId: "job-k", status: "FAILED" });
    expect(run?.error?.message).toMatch(/worker victim crashed/);
    const victim = run?.workers?.find((w) => w.worker === "victim");
    const survivor = run?.workers?.find((w) => w.worker === "survivor");
    expect(victim?.effectiveStatus).toBe("CRASHED");
    expect(victim?.unrecordedSequenceNumbers).toEqual([{ first: killed.first, count: BLOCK }]);
    expect(victim?.unrecordedSharedWith).toBeUndefined();
    expect(victim?.takenSequenceNumbers).toBe(numbers(victim?.reserved ?? []).length + BLOCK);
    // The survivor's count was dropped with its end: every block it took is in its part.
    expect(survivor?.effectiveStatus).toBe("COMPLETED");
    expect(survivor?.unrecordedSequenceNumbers).toBeUndefined();

    const records: number[] = [];
    for await (const record of reader.read(prefix)) records.push(record.sequenceNumber);
    expect(records).toHaveLength(420);
    expect(new Set(records).size).toBe(records.length);
    const stated = new Set(records);
    for (const w of run?.workers ?? []) for (const n of [...numbers(w.unusedSequenceNumbers ?? []), ...numbers(w.unrecordedSequenceNumbers ?? [])]) stated.add(n);
    // A crashed worker states no unused numbers: the rest of its own blocks, past its records, are them.
    const victimRecords = records.filter((n) => numbers(victim?.reserved ?? []).includes(n)).length;
    for (const n of numbers(victim?.reserved ?? []).slice(victimRecords)) stated.add(n);
    const counter = JSON.parse(await readFile(join(root, prefix, ".sequence"), "utf8")) as { next: number };
    expect([...stated].sort((a, b) => a - b)).toEqual(Array.from({ length: counter.next }, (_, i) => i));
    expect(numbers(victim?.unrecordedSequenceNumbers ?? []).filter((n) => records.includes(n))).toEqual([]);
  }, 60_000);
});
