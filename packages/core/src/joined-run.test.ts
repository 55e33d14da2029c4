import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "./errors.js";
import { Experiment } from "./experiment.js";
import type { DashlogIssue } from "./issues.js";
import { MemorySink } from "./memory-sink.js";
import type { RunInfo, SequenceRange } from "./sink.js";
import { resolveWorkerIdentity } from "./worker-identity.js";

const prefix = "alice/project/shared";

describe("joining a run", () => {
  it("numbers every worker's records from its own blocks: unique across workers, each worker's ascending", async () => {
    const sink = new MemorySink();
    const workers = ["0", "1", "2"].map((worker) => new Experiment({ prefix, sink, runId: "job-1", worker, sequenceBlockSize: 10 }));
    const runs = await Promise.all(workers.map((e) => e.start()));
    for (let i = 0; i < 95; i++) {
      for (const run of runs) {
        run.log(`record ${i}`);
        // Let blocks fetched ahead arrive now and then, as a real program yields.
        if (i % 7 === 0) await Promise.resolve();
      }
    }
    const summaries = await Promise.all(runs.map((run) => run.complete()));
    const logs = sink.logs(prefix);
    expect(logs).toHaveLength(285);
    const numbers = logs.map((r) => r.sequenceNumber);
    expect(new Set(numbers).size).toBe(285);
    for (const worker of ["0", "1", "2"]) {
      const mine = logs.filter((r) => r.worker === worker);
      expect(mine.map((r) => r.message)).toEqual(Array.from({ length: 95 }, (_, i) => `record ${i}`));
      const seq = mine.map((r) => r.sequenceNumber);
      expect([...seq].sort((a, b) => a - b)).toEqual(seq);
    }
    expect(summaries.every((s) => s.status === "COMPLETED")).toBe(true);
    // Every reserved number is either used or stated unused by the worker that reserved it.
    const parts = sink.runs(prefix).filter((r) => r.runId === "job-1");
    expect(parts.map((p) => p.worker).sort()).toEqual(["0", "1", "2"]);
    const reserved = new Set<number>();
    for (const part of parts) for (const range of part.reserved ?? []) for (let n = range.first; n < range.first + range.count; n++) reserved.add(n);
    const unused = new Set<number>();
    for (const part of parts) for (const range of part.unusedSequenceNumbers ?? []) for (let n = range.first; n < range.first + range.count; n++) unused.add(n);
    for (const n of numbers) expect(unused.has(n)).toBe(false);
    expect(new Set([...numbers, ...unused])).toEqual(reserved);
  });

  it("keeps a run of its own exactly as before: the seed's five fields, numbers from openRun", async () => {
    const sink = new MemorySink();
    const experiment = new Experiment({ prefix, sink, worker: "7" });
    await experiment.run((exp) => {
      exp.log("alone");
    });
    expect(Object.keys(sink.logs(prefix)[0] ?? {})).toEqual(["timestamp", "level", "message", "metadata", "sequenceNumber"]);
    expect(sink.runs(prefix)[0]?.worker).toBeUndefined();
  });

  it("numbers every waiting event at the end, however many blocks that takes, and grows its blocks", async () => {
    const sink = new MemorySink();
    const sizes: number[] = [];
    const slow = {
      write: (b: Parameters<MemorySink["write"]>[0]) => sink.write(b),
      openRun: (run: RunInfo) => sink.openRun(run),
      closeRun: (run: Parameters<MemorySink["closeRun"]>[0]) => sink.closeRun(run),
      reserveSequenceNumbers: async (run: RunInfo, count: number) => {
        sizes.push(count);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return sink.reserveSequenceNumbers(run, count);
      },
    };
    const run = await new Experiment({ prefix, sink: slow, runId: "job-5", worker: "w", sequenceBlockSize: 4 }).start();
    for (let i = 0; i < 500; i++) run.log(`r${i}`);
    const summary = await run.complete();
    expect(summary.dropped).toBe(0);
    const logs = sink.logs(prefix).filter((r) => r.worker === "w");
    expect(logs.map((r) => r.message)).toEqual(Array.from({ length: 500 }, (_, i) => `r${i}`));
    expect(new Set(logs.map((r) => r.sequenceNumber)).size).toBe(500);
    // Blocks grew (up to 16 times the configured size) once events had to wait.
    expect(Math.max(...sizes)).toBe(64);
  });

  it("keeps fetching blocks while events wait, also when a block ends exactly at a chunk of numbering", async () => {
    const sink = new MemorySink();
    let slowUntil = 0;
    const slow = {
      write: (b: Parameters<MemorySink["write"]>[0]) => sink.write(b),
      openRun: (run: RunInfo) => sink.openRun(run),
      closeRun: (run: Parameters<MemorySink["closeRun"]>[0]) => sink.closeRun(run),
      reserveSequenceNumbers: async (run: RunInfo, count: number) => {
        if (Date.now() < slowUntil) await new Promise((resolve) => setTimeout(resolve, 20));
        return sink.reserveSequenceNumbers(run, count);
      },
    };
    // Blocks of 1,000 and chunks of 1,000: a block ends exactly where a chunk does.
    const run = await new Experiment({ prefix, sink: slow, runId: "job-6", worker: "w", sequenceBlockSize: 500 }).start();
    slowUntil = Date.now() + 200;
    for (let i = 0; i < 6000; i++) {
      run.log(`r${i}`);
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    // While the run goes on (not only at its end), every waiting event gets its number.
    for (let i = 0; i < 200 && sink.logs(prefix).filter((r) => r.worker === "w").length < 6000; i++) {
      await run.flush();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(sink.logs(prefix).filter((r) => r.worker === "w")).toHaveLength(6000);
    await run.complete();
  });

  it("holds events when a block ran out and the sink reserves only asynchronously, then numbers them in order", async () => {
    const sink = new MemorySink();
    let delayed: Array<() => void> = [];
    const asyncOnly = {
      write: (b: Parameters<MemorySink["write"]>[0]) => sink.write(b),
      openRun: (run: RunInfo) => sink.openRun(run),
      closeRun: (run: Parameters<MemorySink["closeRun"]>[0]) => sink.closeRun(run),
      reserveSequenceNumbers: (run: RunInfo, count: number) =>
        new Promise<SequenceRange>((resolve) => delayed.push(() => resolve(sink.reserveSequenceNumbers(run, count)))),
    };
    const experiment = new Experiment({ prefix, sink: asyncOnly, runId: "job-2", worker: "a", sequenceBlockSize: 4 });
    const starting = experiment.start();
    await Promise.resolve();
    for (const release of delayed.splice(0)) release();
    const run = await starting;
    const returned = Array.from({ length: 10 }, (_, i) => run.log(`r${i}`));
    expect(returned.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(returned.slice(4)).toEqual([-1, -1, -1, -1, -1, -1]);
    const ending = run.complete();
    for (let i = 0; i < 20 && delayed.length + 1 > 0; i++) {
      await new Promise((r) => setTimeout(r, 1));
      for (const release of delayed.splice(0)) release();
    }
    const summary = await ending;
    expect(summary.dropped).toBe(0);
    const logs = sink.logs(prefix);
    expect(logs.map((r) => r.message)).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect(new Set(logs.map((r) => r.sequenceNumber)).size).toBe(10);
  });

  it("refuses a sink that cannot reserve numbers, naming the option", async () => {
    const experiment = new Experiment({ prefix, sink: { write() {} }, runId: "job-3" });
    await expect(experiment.start()).rejects.toThrow(/Experiment option sink cannot join a run/);
  });

  it("resolves worker and runId from the environment, and names the bad field and value", () => {
    expect(resolveWorkerIdentity({}, { RANK: "3", DASHLOG_RUN_ID: "job" })).toEqual({ worker: "3", runId: "job" });
    expect(resolveWorkerIdentity({ worker: "w", runId: "r" }, { RANK: "3", DASHLOG_RUN_ID: "job" })).toEqual({ worker: "w", runId: "r" });
    expect(resolveWorkerIdentity({}, {}).worker).toMatch(/:\d+$/);
    expect(resolveWorkerIdentity({}, {}).runId).toBeUndefined();
    expect(() => resolveWorkerIdentity({}, { DASHLOG_RUN_ID: "a b" })).toThrow(/environment variable DASHLOG_RUN_ID must be .*"a b"/);
    expect(() => new Experiment({ prefix, worker: "a/b" })).toThrow(InvalidArgumentError);
    expect(() => new Experiment({ prefix, worker: "a/b" })).toThrow(/Experiment option worker must be .*"a\/b"/);
    expect(() => new Experiment({ prefix, runId: "" })).toThrow(/Experiment option runId/);
  });

  it("reports issues but never throws on the logging path when a reservation fails", async () => {
    const sink = new MemorySink();
    const issues: DashlogIssue[] = [];
    let calls = 0;
    const flaky = {
      write: (b: Parameters<MemorySink["write"]>[0]) => sink.write(b),
      openRun: (run: RunInfo) => sink.openRun(run),
      closeRun: (run: Parameters<MemorySink["closeRun"]>[0]) => sink.closeRun(run),
      reserveSequenceNumbers(run: RunInfo, count: number) {
        calls++;
        if (calls === 2) return Promise.reject(new Error("server away"));
        return Promise.resolve(sink.reserveSequenceNumbers(run, count));
      },
    };
    const experiment = new Experiment({ prefix, sink: flaky, runId: "job-4", worker: "x", sequenceBlockSize: 2, onIssue: (i) => issues.push(i) });
    const run = await experiment.start();
    for (let i = 0; i < 6; i++) run.log(`r${i}`);
    const summary = await run.complete();
    expect(issues.some((i) => i.name === "reserveSequenceNumbers")).toBe(true);
    expect(sink.logs(prefix).map((r) => r.message)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
    expect(summary.dropped).toBe(0);
  });
});

describe("metrics and parameters of a joined run", () => {
  it("keeps every worker's points and parameter keys, each point with its worker", async () => {
    const sink = new MemorySink();
    const workers = ["0", "1"].map((worker) => new Experiment({ prefix, sink, runId: "job-m", worker }));
    const runs = await Promise.all(workers.map((e) => e.start()));
    for (let step = 0; step < 5; step++) for (const run of runs) run.metrics("train").log({ loss: step, rank: run.worker ?? "" });
    runs[0]?.params.set({ lr: 0.1 });
    runs[1]?.params.set({ batch: 32 });
    await Promise.all(runs.map((run) => run.complete()));
    const points = sink.metric(prefix, "train");
    expect(points).toHaveLength(10);
    for (const worker of ["0", "1"]) {
      const mine = points.filter((p) => p["worker"] === worker);
      expect(mine.map((p) => p.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
      expect(mine.every((p) => p.data["rank"] === worker)).toBe(true);
    }
    expect(sink.params(prefix)).toEqual({ lr: 0.1, batch: 32 });
  });
});
