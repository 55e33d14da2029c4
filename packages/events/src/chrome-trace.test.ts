import { Experiment, InvalidArgumentError, manualClock, MemorySink } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { chromeTraceProblems } from "../test/chrome-trace-rules.js";
import { toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from "./chrome-trace.js";
import { coreMetrics } from "./core-metrics.js";
import { spanDurations } from "./span-durations.js";
import { spansFromEvents } from "./spans-from-events.js";
import type { TraceSpan } from "./trace-span.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);
const complete = (trace: ChromeTrace) => trace.traceEvents.filter((e) => e.ph === "X");
const threadNames = (trace: ChromeTrace) =>
  Object.fromEntries(trace.traceEvents.filter((e) => e.name === "thread_name").map((e) => [e.tid, e.args["name"]]));
const brief = (e: ChromeTraceEvent) => [e.name, e.tid, e.ts, e.dur];
const span = (category: string, id: number | string, startMonotonic: number, durationMs?: number): TraceSpan => ({
  category,
  id,
  startMonotonic,
  start: T + startMonotonic,
  ...(durationMs === undefined ? {} : { durationMs }),
});

describe("toChromeTrace", () => {
  it("exports the spans of a run, as stored by spanDurations, as a valid trace with one track per category", async () => {
    const clock = manualClock(T);
    const sink = new MemorySink();
    const experiment = new Experiment({ prefix: "t/trace", sink, clock, consumers: { spans: spanDurations() } });
    await experiment.run(async (exp) => {
      for (const epoch of [1, 2]) {
        await exp.span("epoch", epoch, async () => {
          clock.advance(1);
          exp.span("io", `load-${epoch}`, () => clock.advance(2.5));
          clock.advance(10);
        });
      }
    });
    const trace = toChromeTrace(sink.records("t/trace", "spans"));
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(threadNames(trace)).toEqual({ 1: "epoch", 2: "io" });
    expect(complete(trace).map(brief)).toEqual([
      ["epoch 1", 1, 0, 13500],
      ["io load-1", 2, 1000, 2500],
      ["epoch 2", 1, 13500, 13500],
      ["io load-2", 2, 14500, 2500],
    ]);
    expect(complete(trace)[0]).toMatchObject({ cat: "epoch", pid: 1, args: { id: 1, startSequenceNumber: 0, finishSequenceNumber: 3 } });
    expect(trace.otherData).toMatchObject({ clock: "monotonic", origin: "2025-10-29T10:30:00.000Z", spans: 4, unfinished: 0 });
    expect(trace.traceEvents[0]).toEqual({ name: "process_name", ph: "M", pid: 1, tid: 0, ts: 0, args: { name: "dashlog" } });
  });

  it("keeps nested spans of a category on one track, parents first", () => {
    const trace = toChromeTrace([span("step", "inner", 2, 1.5), span("step", "outer", 0, 10), span("step", "same-start", 0, 4)]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(complete(trace).map(brief)).toEqual([
      ["step outer", 1, 0, 10000],
      ["step same-start", 1, 0, 4000],
      ["step inner", 1, 2000, 1500],
    ]);
  });

  it("moves spans that overlap without nesting to an extra track of their category", () => {
    const trace = toChromeTrace([span("io", 1, 0, 10), span("io", 2, 5, 10), span("io", 3, 20, 1), span("gpu", 1, 1, 1)]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(threadNames(trace)).toEqual({ 1: "io", 2: "io (2)", 3: "gpu" });
    expect(complete(trace).map((e) => [e.name, e.tid])).toEqual([
      ["io 1", 1],
      ["gpu 1", 3],
      ["io 2", 2],
      ["io 3", 1],
    ]);
  });

  it("draws unfinished spans to the end of the trace and marks them, by default", () => {
    const trace = toChromeTrace([span("epoch", 1, 0, 5), span("io", 9, 2), span("epoch", 2, 5, 7)]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(complete(trace).find((e) => e.cat === "io")).toMatchObject({
      name: "io 9 (unfinished)",
      ts: 2000,
      dur: 10000,
      args: { id: 9, unfinished: true },
    });
    expect(trace.otherData).toMatchObject({ unfinished: 1, droppedUnfinished: 0 });
  });

  it("leaves unfinished spans out with unfinished: \"drop\", and counts them", () => {
    const trace = toChromeTrace([span("epoch", 1, 0, 5), span("io", 9, 2)], { unfinished: "drop" });
    expect(complete(trace).map((e) => e.name)).toEqual(["epoch 1"]);
    expect(trace.otherData).toMatchObject({ spans: 1, unfinished: 0, droppedUnfinished: 1 });
  });

  it("exports spanDurations().unfinished() alongside the finished records", async () => {
    const clock = manualClock(T);
    const spans = spanDurations();
    const sink = new MemorySink();
    const experiment = new Experiment({ prefix: "t/open", sink, clock, onIssue: () => undefined });
    const run = await experiment.start();
    run.events.add(spans);
    run.start("epoch", 1);
    clock.advance(3);
    run.start("io", 1);
    clock.advance(2);
    run.finish("io", 1);
    await run.complete();
    const trace = toChromeTrace([...sink.records("t/open", "spans"), ...spans.unfinished()]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(complete(trace).map(brief)).toEqual([
      ["epoch 1 (unfinished)", 1, 0, 5000],
      ["io 1", 2, 3000, 2000],
    ]);
  });

  it("places the runs of one file (separate processes, each with its own monotonic clock) where they happened", () => {
    // Run 2 started a minute after run 1 in a new process: its performance.now() began near 0 again.
    const run1 = [span("epoch", 1, 100, 50), span("io", 1, 110.25, 20)];
    const run2 = [
      { category: "epoch", id: 1, start: T + 60_000 + 3, startMonotonic: 3.6, durationMs: 40 },
      { category: "io", id: 1, start: T + 60_000 + 5, startMonotonic: 5.9, durationMs: 1.5 },
    ];
    const trace = toChromeTrace([...run2, ...run1]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(trace.otherData).toMatchObject({ clock: "monotonic", processes: 2, origin: "2025-10-29T10:30:00.100Z" });
    // Run 2's clock is anchored by its larger (less floored) offset, (T + 60,003) - 3.6: its epoch
    // starts at T + 60,003 and its io 2.3 ms later, 59,903 ms after run 1's epoch at T + 100.
    expect(complete(trace).map(brief)).toEqual([
      ["epoch 1", 1, 0, 50000],
      ["io 1", 2, 10250, 20000],
      ["epoch 1", 1, 59_903_000, 40000],
      ["io 1", 2, 59_905_300, 1500],
    ]);
  });

  it("keeps a process's spans exact and nested although their wall-clock starts are floored to ms", () => {
    const origin = T + 0.75;
    const at = (category: string, id: number, monotonic: number, durationMs: number): TraceSpan => ({
      category,
      id,
      start: Math.floor(origin + monotonic),
      startMonotonic: monotonic,
      durationMs,
    });
    const trace = toChromeTrace([at("step", 1, 10.9, 5), at("step", 2, 11.0, 4.85)]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(complete(trace).map(brief)).toEqual([
      ["step 1", 1, 0, 5000],
      ["step 2", 1, 100, 4850],
    ]);
  });

  it("falls back to wall-clock starts when a span has no monotonic start", () => {
    const trace = toChromeTrace([
      { category: "a", id: 1, start: "2025-10-29T10:30:00.010Z", durationMs: 5 },
      { category: "a", id: 2, start: T + 20, startMonotonic: 999, durationMs: 1 },
    ]);
    expect(trace.otherData.clock).toBe("wall");
    expect(complete(trace).map((e) => e.ts)).toEqual([0, 10000]);
  });

  it("names the record and field of invalid input, or skips it with onInvalid", () => {
    const bad = [span("a", 1, 0, 1), { category: "a", id: 2, startMonotonic: 1, durationMs: -3 }, { category: "", id: 3 }];
    expect(() => toChromeTrace(bad)).toThrow(new InvalidArgumentError("spans[1].durationMs", -3, "must be a finite number >= 0"));
    const skipped: string[] = [];
    const trace = toChromeTrace(bad, { onInvalid: (i, error) => skipped.push(`${i}: ${error.field}`) });
    expect(skipped).toEqual(["1: spans[1].durationMs", "2: spans[2].category"]);
    expect(trace.otherData).toMatchObject({ spans: 1, invalid: 2 });
    expect(() => toChromeTrace([{ category: "a", id: 1, durationMs: 1 }])).toThrow(/spans\[0\]\.start is needed \(or startMonotonic\)/);
    expect(() => toChromeTrace([], { unfinished: "keep" as "drop" })).toThrow(/toChromeTrace option unfinished must be "extend" or "drop", got "keep"/);
  });

  it("gives an empty but valid trace for no spans", () => {
    const trace = toChromeTrace([]);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(trace.traceEvents).toHaveLength(1);
  });
});

describe("spansFromEvents", () => {
  it("pairs start and finish records of the core stream, and finds unfinished spans and unmatched finishes", async () => {
    const clock = manualClock(T);
    const sink = new MemorySink();
    const experiment = new Experiment({ prefix: "t/core", sink, clock, consumers: { core: coreMetrics() }, onIssue: () => undefined });
    await experiment.run((exp) => {
      exp.start("epoch", 1);
      clock.advance(4);
      exp.log("inside");
      exp.finish("io", 7);
      exp.start("io", 8);
      clock.advance(3);
      exp.finish("epoch", 1);
    });
    const { spans, unmatchedFinishes } = spansFromEvents(sink.records("t/core", "core"));
    expect(unmatchedFinishes).toEqual([2]);
    expect(spans).toEqual([
      { category: "epoch", id: 1, start: T, startMonotonic: undefined, durationMs: 7, startSequenceNumber: 0, sequenceNumber: 4 },
      { category: "io", id: 8, start: T + 4, startMonotonic: undefined, startSequenceNumber: 3 },
    ]);
    const trace = toChromeTrace(spans);
    expect(chromeTraceProblems(trace)).toEqual([]);
    expect(trace.otherData).toMatchObject({ clock: "wall", spans: 2, unfinished: 1 });
  });

  it("uses the monotonic times of full records for exact durations", () => {
    const { spans } = spansFromEvents([
      { sequenceNumber: 0, timestamp: T, monotonic: 1.25, category: "a", kind: "start", id: 1 },
      { sequenceNumber: 1, timestamp: T + 1, monotonic: 1.75, category: "a", kind: "finish", id: 1 },
    ]);
    expect(spans).toEqual([{ category: "a", id: 1, start: T, startMonotonic: 1.25, durationMs: 0.5, startSequenceNumber: 0, sequenceNumber: 1 }]);
  });

  it("leaves the first of two starts of one span unfinished", () => {
    const { spans } = spansFromEvents([
      { sequenceNumber: 0, timestamp: T, category: "a", kind: "start", id: 1 },
      { sequenceNumber: 1, timestamp: T + 1, category: "a", kind: "start", id: 1 },
      { sequenceNumber: 2, timestamp: T + 5, category: "a", kind: "finish", id: 1 },
    ]);
    expect(spans.map((s) => [s.startSequenceNumber, s.durationMs])).toEqual([
      [1, 4],
      [0, undefined],
    ]);
  });

  it("names an unreadable record, or skips it with onInvalid", () => {
    const records = [{ sequenceNumber: 0, timestamp: "yesterday", category: "a", kind: "start", id: 1 }];
    expect(() => spansFromEvents(records)).toThrow(/records\[0\]\.timestamp must be an ISO-8601 timestamp or epoch milliseconds, got "yesterday"/);
    const skipped: number[] = [];
    expect(spansFromEvents(records, { onInvalid: (i) => skipped.push(i) }).spans).toEqual([]);
    expect(skipped).toEqual([0]);
  });
});
