import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Experiment } from "@dashlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongoSink } from "../src/index.js";
import { ensureBuilt } from "./helpers/ensure-built.js";
import { TEST_CLIENT_OPTIONS, exactlyOnceProblems, startTarget, storedSequenceNumbers, until, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const WRITER = fileURLToPath(new URL("./fixtures/crash-writer.mjs", import.meta.url));
const COUNT = 3000;

let target: MongoTarget;
beforeAll(async () => {
  ensureBuilt();
  target = await startTarget("crash");
});
afterAll(async () => {
  await target.close();
});

interface Message {
  phase: string;
  stats?: { spooled: number; replayed: number; inserted: number; duplicates: number; queued: number };
  first?: number;
  next?: number;
}

function startWriter(spoolDir: string, prefix: string, mode: "kill" | "exit" | "signal" = "kill"): { child: ChildProcessWithoutNullStreams; next: (phase: string) => Promise<Message>; last: () => Message | undefined } {
  const child = spawn(process.execPath, [WRITER, target.uri, target.database, spoolDir, prefix, String(COUNT), mode], { stdio: "pipe" });
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    messages.push(JSON.parse(line) as Message);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (phase: string) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = messages.find((m) => m.phase === phase);
      if (found !== undefined) return found;
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) throw new Error(`writer never said ${phase}; stderr: ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { child, next, last: () => messages.at(-1) };
}

function kill(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("a writer killed with SIGKILL between spill and replay", () => {
  it("loses nothing: the next process replays the spool, every sequence number exactly once", async () => {
    const spool = await tempDir();
    const prefix = "crash/killed-mid-replay";
    const writer = startWriter(spool.path, prefix);
    try {
      expect((await writer.next("opened")).first).toBe(0);
      await target.proxy.stop();
      writer.child.stdin.write("go\n");
      const spilled = await writer.next("spilled");
      // Everything is durable before the crash: on disk, none in memory.
      expect(spilled.stats?.queued).toBe(0);
      expect(spilled.stats?.spooled).toBe(COUNT);
      expect(spilled.next).toBe(COUNT);

      // The server comes back; the writer starts replaying and is killed part-way.
      const stall = target.server?.inject({ commands: ["insert"], collection: "logs", skip: 3, action: { kind: "stall" } });
      await target.proxy.restart();
      if (stall !== undefined) await until(() => stall.hits > 0, "the replay to stall after 3 inserts");
      else await until(async () => (await storedSequenceNumbers(target, prefix)).length > 0, "the replay to start");
      await kill(writer.child);
      stall?.remove();
      const partial = (await storedSequenceNumbers(target, prefix)).length;
      expect(partial).toBeLessThan(COUNT);

      // The next process with the same spool replays what is left (duplicates count as written).
      const sink = mongoSink({ uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS, flushIntervalMs: 5 });
      const run = await new Experiment({ prefix, sink }).start();
      expect(run.firstSequenceNumber).toBe(COUNT);
      run.log("after the crash");
      await run.complete();
      const report = await sink.closeWithReport();
      expect(report.complete).toBe(true);
      expect(report.stats.replayed).toBeGreaterThan(0);
      expect(exactlyOnceProblems(await storedSequenceNumbers(target, prefix), COUNT + 1)).toBe("");
    } finally {
      await kill(writer.child);
      await spool.remove();
    }
  });
});

/**
 * A writer logs while MongoDB is away, with records left in core's queue and in the sink's,
 * and is then ended by `end` (it exits by itself, or is sent a signal). MongoDB comes back
 * and a new sink on the same spool replays; resolves with how the writer ended.
 */
async function endWhileDown(prefix: string, mode: "exit" | "signal", end: (child: ChildProcessWithoutNullStreams) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const spool = await tempDir();
  const writer = startWriter(spool.path, prefix, mode);
  try {
    await writer.next("opened");
    await target.proxy.stop();
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => writer.child.once("exit", (code, signal) => resolve({ code, signal })));
    writer.child.stdin.write("go\n");
    const exiting = await writer.next("exiting");
    // Some records sat in the sink's own queue, the rest still in core's.
    expect(exiting.stats?.queued).toBeGreaterThan(0);
    end(writer.child);
    const how = await ended;
    await target.proxy.restart();
    const sink = mongoSink({ uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS, flushIntervalMs: 5 });
    await sink.flush(20_000);
    const report = await sink.closeWithReport();
    expect(report.complete).toBe(true);
    return how;
  } finally {
    await kill(writer.child);
    await spool.remove();
  }
}

describe("a writer that exits (process.exit) while MongoDB is away", () => {
  it("spools what is queued, in core and in the sink, and the run's status, synchronously", async () => {
    const prefix = "crash/exit-while-down";
    expect(await endWhileDown(prefix, "exit", () => undefined)).toEqual({ code: 0, signal: null });
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, prefix), COUNT)).toBe("");
    const status = await target.client.db(target.database).collection("runs").findOne({ experiment: prefix });
    expect([status?.["status"], status?.["nextSequenceNumber"]]).toEqual(["COMPLETED", COUNT]);
  });
});

describe("a writer interrupted (SIGINT) while MongoDB is away", () => {
  it("spools what is queued and the run's FAILED status, then ends by the signal", async () => {
    const prefix = "crash/interrupted-while-down";
    expect(await endWhileDown(prefix, "signal", (child) => child.kill("SIGINT"))).toEqual({ code: null, signal: "SIGINT" });
    // Every record, and the one that says the run was interrupted.
    expect(exactlyOnceProblems(await storedSequenceNumbers(target, prefix), COUNT + 1)).toBe("");
    const last = await target.client.db(target.database).collection("logs").findOne({ experiment: prefix, sequenceNumber: COUNT });
    expect([last?.["level"], last?.["message"]]).toEqual(["fatal", "Process interrupted: Interrupted: the process received SIGINT while the run was RUNNING"]);
    const status = await target.client.db(target.database).collection("runs").findOne({ experiment: prefix });
    expect([status?.["status"], status?.["nextSequenceNumber"], status?.["error"]]).toEqual(["FAILED", COUNT + 1, { name: "Interrupted", message: "the process received SIGINT while the run was RUNNING" }]);
  });
});
