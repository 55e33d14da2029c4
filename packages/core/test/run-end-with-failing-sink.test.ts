import { describe, expect, it } from "vitest";
import { UnwrittenRecordsError } from "../src/errors.js";
import { Experiment } from "../src/experiment.js";
import type { RunEnded, Sink } from "../src/sink.js";

/** A sink whose writes fail until `healthy` is set; it records every closeRun. */
function flakySink(options: { withWriteSync?: boolean } = {}) {
  const state = { healthy: false, writes: 0, stored: [] as number[], ended: [] as RunEnded[], flushed: 0 };
  const sink: Sink = {
    write(batches) {
      state.writes++;
      if (!state.healthy) throw new Error("database is locked");
      for (const b of batches) for (const r of b.records) state.stored.push(r.sequenceNumber);
    },
    flush() {
      state.flushed++;
    },
    closeRun(run) {
      state.ended.push(run);
    },
    ...(options.withWriteSync === true
      ? {
          writeSyncAtExitOnly: true,
          writeSync(batches) {
            for (const b of batches) for (const r of b.records) state.stored.push(r.sequenceNumber);
          },
        }
      : {}),
  };
  return { sink, state };
}

describe("the end of a run while its sink is failing", () => {
  it("keeps retrying, and a sink that recovers within endTimeoutMs gets every record", async () => {
    const { sink, state } = flakySink();
    const experiment = new Experiment({ prefix: "end/recovers", sink, onIssue: () => {}, flushIntervalMs: 1, endTimeoutMs: 10_000 });
    const run = await experiment.start();
    for (let i = 0; i < 6; i++) run.log(`r${i}`);
    setTimeout(() => {
      state.healthy = true;
    }, 30);
    const summary = await run.complete();
    expect(summary).toMatchObject({ status: "COMPLETED", written: 6, unwritten: 0 });
    expect(state.stored).toEqual([0, 1, 2, 3, 4, 5]);
    expect(state.writes).toBeGreaterThan(1);
  });

  it("gives up after endTimeoutMs: stores FAILED (UnwrittenRecords) and run(fn) rejects instead of returning", async () => {
    const { sink, state } = flakySink();
    const experiment = new Experiment({ prefix: "end/gives-up", sink, onIssue: () => {}, flushIntervalMs: 1, endTimeoutMs: 50 });
    const error = await experiment
      .run((exp) => {
        for (let i = 0; i < 6; i++) exp.log(`r${i}`);
        return "the callback's value";
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnwrittenRecordsError);
    expect((error as UnwrittenRecordsError).unwritten).toBe(6);
    expect((error as UnwrittenRecordsError).result).toBe("the callback's value");
    expect(state.ended.map((r) => [r.status, r.error?.name, r.unwritten])).toEqual([["FAILED", "UnwrittenRecords", 6]]);
  });

  it("hands what is left to writeSync (even one for exit only) before giving up", async () => {
    const { sink, state } = flakySink({ withWriteSync: true });
    const run = await new Experiment({ prefix: "end/write-sync", sink, onIssue: () => {}, flushIntervalMs: 1, endTimeoutMs: 20 }).start();
    for (let i = 0; i < 3; i++) run.log(`r${i}`);
    const summary = await run.complete();
    expect(summary).toMatchObject({ status: "COMPLETED", written: 3, unwritten: 0 });
    expect(state.stored).toEqual([0, 1, 2]);
  });
});

describe("exp.flush()", () => {
  it("writes what was logged, then calls the sink's flush()", async () => {
    const { sink, state } = flakySink();
    state.healthy = true;
    const run = await new Experiment({ prefix: "flush/calls-sink", sink, onIssue: () => {} }).start();
    run.log("a");
    await run.flush();
    expect([state.stored, state.flushed]).toEqual([[0], 1]);
    await run.complete();
  });
});
