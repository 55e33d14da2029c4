import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, ExperimentLockedError, type DashlogIssue, manualClock, runRecordSchema } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { localJsonl } from "../src/jsonl-sink.js";
import { lockFile, runsFile, streamFile } from "../src/paths.js";
import { readRuns } from "../src/runs-file.js";
import { childLogger, readLines, runChild, tempRoot } from "./helpers.js";

const prefix = "alice/project/my-experiment";

describe("localJsonl sink", () => {
  it("writes the seed's lines to .dash/<prefix>/logs/logs.jsonl, exactly", async () => {
    const root = await tempRoot();
    const clock = manualClock(Date.UTC(2025, 9, 29, 10, 30, 0));
    await new Experiment({ prefix, sink: localJsonl({ root }), clock }).run((exp) => {
      exp.log("Training started");
      clock.advance(5000);
      exp.log("Epoch 1 complete", { metadata: { train_loss: 0.5 } });
    });
    expect(await readLines(join(root, "alice/project/my-experiment/logs/logs.jsonl"))).toEqual([
      '{"timestamp":"2025-10-29T10:30:00.000Z","level":"info","message":"Training started","metadata":null,"sequenceNumber":0}',
      '{"timestamp":"2025-10-29T10:30:05.000Z","level":"info","message":"Epoch 1 complete","metadata":{"train_loss":0.5},"sequenceNumber":1}',
    ]);
  });

  it("writes each consumer's stream to its own file, joined by sequence number", async () => {
    const root = await tempRoot();
    await new Experiment({
      prefix,
      sink: localJsonl({ root }),
      consumers: { lengths: (e) => ({ chars: e.message.length }), warnings: (e) => (e.level === "warn" ? e.message : undefined) },
    }).run((exp) => {
      exp.log("abc");
      exp.log("careful", { level: "warn" });
    });
    expect(await readLines(streamFile(root, prefix, "lengths"))).toEqual([
      '{"chars":3,"sequenceNumber":0}',
      '{"chars":7,"sequenceNumber":1}',
    ]);
    expect(await readLines(streamFile(root, prefix, "warnings"))).toEqual(['{"value":"careful","sequenceNumber":1}']);
  });

  it("continues sequence numbers across runs and records each run's status", async () => {
    const root = await tempRoot();
    await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
      exp.log("a");
      exp.log("b");
    });
    await expect(
      new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
        exp.log("c");
        throw new Error("second run fails");
      }),
    ).rejects.toThrow("second run fails");
    const lines = (await readLines(streamFile(root, prefix, "logs"))).map((l) => JSON.parse(l) as { sequenceNumber: number });
    expect(lines.map((l) => l.sequenceNumber)).toEqual([0, 1, 2, 3]);
    const runs = await readRuns(runsFile(root, prefix));
    expect(runs.map((r) => [r.status, r.firstSequenceNumber, r.nextSequenceNumber])).toEqual([
      ["COMPLETED", 0, 2],
      ["FAILED", 2, 4],
    ]);
    expect(runs[1]?.error).toEqual({ name: "Error", message: "second run fails" });
    for (const line of await readLines(runsFile(root, prefix))) runRecordSchema.parse(JSON.parse(line));
  });

  it("ends a torn last line left by a crash, and continues after the last valid record", async () => {
    const root = await tempRoot();
    const file = streamFile(root, prefix, "logs");
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(
      file,
      '{"timestamp":"2025-10-29T10:30:00.000Z","level":"info","message":"ok","metadata":null,"sequenceNumber":0}\n{"timestamp":"2025-10-29T1',
    );
    await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => exp.log("after the crash"));
    const lines = await readLines(file);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"timestamp":"2025-10-29T1');
    expect(JSON.parse(lines[2] ?? "")).toMatchObject({ message: "after the crash", sequenceNumber: 1 });
  });

  it("writes a retried batch only once", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const batch = { experiment: prefix, stream: "logs", records: [{ sequenceNumber: 0, message: "x" }] };
    sink.write([batch]);
    sink.write([batch, { ...batch, records: [{ sequenceNumber: 1, message: "y" }] }]);
    sink.close();
    expect(await readLines(streamFile(root, prefix, "logs"))).toEqual([
      '{"sequenceNumber":0,"message":"x"}',
      '{"sequenceNumber":1,"message":"y"}',
    ]);
  });

  it("uses .dash in the working directory when no sink is given", async () => {
    const root = await tempRoot();
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await new Experiment({ prefix: "defaults/here" }).run((exp) => exp.log("default sink"));
    } finally {
      process.chdir(cwd);
    }
    const [line] = await readLines(join(root, ".dash/defaults/here/logs/logs.jsonl"));
    expect(JSON.parse(line ?? "")).toMatchObject({ message: "default sink", sequenceNumber: 0 });
  });

  it("reports an unwritable folder on the issue channel and keeps the process running", async () => {
    const root = await tempRoot();
    const issues: DashlogIssue[] = [];
    const experiment = new Experiment({ prefix, sink: localJsonl({ root }), onIssue: (i) => issues.push(i), flushIntervalMs: 5, endTimeoutMs: 50 });
    const exp = await experiment.start();
    // A directory where the stream's file should be: EISDIR, whatever our privileges (root ignores chmod).
    await mkdir(streamFile(root, prefix, "blocked"), { recursive: true });
    exp.events.set("blocked", () => 1);
    exp.log("still logged");
    await exp.flush();
    const summary = await exp.complete();
    expect(issues.some((i) => i.source === "sink" && /EISDIR|EACCES/.test(i.message))).toBe(true);
    // The logs record is on disk and counted as written; the blocked stream's entry is not.
    expect(summary).toMatchObject({ status: "FAILED", written: 1, unwritten: 1 });
    expect(await readLines(streamFile(root, prefix, "logs"))).toHaveLength(1);
  });
});

describe("one writer per experiment", () => {
  it("refuses a second writer in the same process with a clear error, then allows it after the first ends", async () => {
    const root = await tempRoot();
    const first = await new Experiment({ prefix, sink: localJsonl({ root }) }).start();
    const second = new Experiment({ prefix, sink: localJsonl({ root }) });
    await expect(second.start()).rejects.toThrow(ExperimentLockedError);
    await expect(second.start()).rejects.toThrow(/already being written by another run in this process/);
    await first.complete();
    await second.run((exp) => exp.log("now mine"));
  });

  it("refuses while another live process writes, naming its pid", async () => {
    const root = await tempRoot();
    const child = spawn(process.execPath, [childLogger, root, "1", "hold"], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      const attempt = new Experiment({ prefix: "child/run", sink: localJsonl({ root }) }).start();
      await expect(attempt).rejects.toThrow(new RegExp(`being written by process ${child.pid} `));
    } finally {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    // The holder died without releasing: its lock is stale and is recovered.
    await new Experiment({ prefix: "child/run", sink: localJsonl({ root }) }).run((exp) => {
      expect(exp.nextSequenceNumber).toBe(1);
      exp.log("recovered");
    });
  });

  it("recovers a lock file left by a dead process", async () => {
    const root = await tempRoot();
    await mkdir(join(root, prefix), { recursive: true });
    const { hostname } = await import("node:os");
    await writeFile(lockFile(root, prefix), JSON.stringify({ pid: 2 ** 22 + 17, hostname: hostname(), runId: "dead", startedAt: "x" }));
    await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => exp.log("ok"));
    await expect(readFile(lockFile(root, prefix))).rejects.toThrow(/ENOENT/);
  });
});

describe("nothing logged is lost when the process ends abruptly", () => {
  it.each([
    ["an uncaught exception", "throw", 1, "Uncaught exception: Error: uncaught on purpose"],
    ["an unhandled rejection", "reject", 1, "Unhandled rejection: Error: rejected on purpose"],
    ["process.exit(3)", "exit", 3, "Process exited: Error: process exited with code 3 while the run was RUNNING"],
  ])("keeps every line after %s and records FAILED", async (_what, ending, code, lastMessage) => {
    const root = await tempRoot();
    const result = await runChild([root, "2000", ending]);
    expect(result.code).toBe(code);
    const records = (await readLines(streamFile(root, "child/run", "logs"))).map(
      (l) => JSON.parse(l) as { sequenceNumber: number; message: string; level: string },
    );
    expect(records.slice(0, 2000).map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(records[2000]).toMatchObject({ sequenceNumber: 2000, level: "fatal", message: lastMessage });
    expect(records).toHaveLength(2001);
    const runs = await readRuns(runsFile(root, "child/run"));
    expect(runs.map((r) => r.status)).toEqual(["FAILED"]);
  });

  it("keeps every line and records COMPLETED when the script just ends without complete()", async () => {
    const root = await tempRoot();
    expect((await runChild([root, "1500", "natural"])).code).toBe(0);
    expect(await readLines(streamFile(root, "child/run", "logs"))).toHaveLength(1500);
    expect((await readRuns(runsFile(root, "child/run"))).map((r) => r.status)).toEqual(["COMPLETED"]);
    await expect(readFile(lockFile(root, "child/run"))).rejects.toThrow(/ENOENT/);
  });
});
