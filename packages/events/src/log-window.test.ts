import { createEvent, Experiment, manualClock, MemorySink, MultiEventLog, type Consumer } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { logWindow, type WindowDeletion, type WindowRow } from "./log-window.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);
const every: Consumer = (event) => event.sequenceNumber;
const timestampsOf = (log: MultiEventLog, stream: string) => log.stream(stream)?.toArray().map((e) => e.timestamp - T);

function windowed(windowMs: number, extra: Partial<Parameters<typeof logWindow>[0]> = {}) {
  const log = new MultiEventLog().set("a", every);
  log.setAggregator("window", logWindow({ windowMs, ...extra }));
  let seq = 0;
  const emitAt = (offsetMs: number) => log.emit(createEvent({ sequenceNumber: seq++, timestamp: T + offsetMs }));
  return { log, emitAt };
}

describe("logWindow", () => {
  it("keeps an entry exactly at the window's boundary (the original's off-by-one dropped it)", () => {
    const { log, emitAt } = windowed(1000);
    emitAt(0);
    emitAt(1000);
    emitAt(2000);
    // Cutoff is 2000 - 1000 = 1000: only the entry at 0 is older than the window.
    expect(timestampsOf(log, "a")).toEqual([1000, 2000]);
  });

  it("removes nothing while every entry is inside the window", () => {
    const deletions: WindowDeletion[] = [];
    const { log, emitAt } = windowed(1000, { onDelete: (d) => deletions.push(d) });
    [0, 10, 500, 999, 1000].forEach(emitAt);
    expect(timestampsOf(log, "a")).toEqual([0, 10, 500, 999, 1000]);
    expect(deletions).toEqual([]);
  });

  it("prunes every stream, sparse ones included, and reports the counts per stream", () => {
    const log = new MultiEventLog()
      .set("dense", every)
      .set("sparse", (event) => (event.sequenceNumber % 2 === 0 ? event.sequenceNumber : undefined));
    const deletions: WindowDeletion[] = [];
    log.setAggregator("window", logWindow({ windowMs: 100, onDelete: (d) => deletions.push(d) }));
    [0, 50, 100, 150, 260].forEach((offset, i) => log.emit(createEvent({ sequenceNumber: i, timestamp: T + offset })));
    expect(timestampsOf(log, "dense")).toEqual([260]);
    expect(timestampsOf(log, "sparse")).toEqual([260]);
    expect(deletions.map((d) => ({ cutoff: d.cutoff - T, seq: d.event.sequenceNumber, removed: Object.fromEntries(d.removed) }))).toEqual([
      { cutoff: 50, seq: 3, removed: { dense: 1, sparse: 1 } },
      { cutoff: 160, seq: 4, removed: { dense: 3, sparse: 1 } },
    ]);
  });

  it("calls creation handlers with the entries this event appended", () => {
    const rows: WindowRow[] = [];
    const log = new MultiEventLog().set("a", every).set("odd", (e) => (e.sequenceNumber % 2 === 1 ? "odd" : undefined));
    log.setAggregator("window", logWindow({ windowMs: 60_000, onCreate: (row) => rows.push(row) }));
    log.emit(createEvent({ sequenceNumber: 0 }));
    log.emit(createEvent({ sequenceNumber: 1 }));
    expect(rows.map((r) => [r.event.sequenceNumber, [...r.entries.keys()]])).toEqual([
      [0, ["a"]],
      [1, ["a", "odd"]],
    ]);
    expect(rows[1]?.entries.get("odd")).toEqual({ sequenceNumber: 1, timestamp: T, value: "odd" });
  });

  it("calls every handler even when one throws, then reports the error as an issue of the aggregator", () => {
    const calls: string[] = [];
    const log = new MultiEventLog().set("a", every);
    log.setAggregator(
      "window",
      logWindow({
        windowMs: 1000,
        onCreate: [
          () => {
            calls.push("first");
            throw new Error("table full");
          },
          () => void calls.push("second"),
        ],
      }),
    );
    const issues: string[] = [];
    log.issues.on((issue) => issues.push(issue.message));
    log.emit(createEvent({ sequenceNumber: 4 }));
    expect(calls).toEqual(["first", "second"]);
    expect(issues).toEqual(['dashlog aggregator "window" failed at event 4: table full']);
  });

  it("with windowMs 0 keeps only entries at the newest timestamp", () => {
    const { log, emitAt } = windowed(0);
    [0, 5, 5].forEach(emitAt);
    expect(timestampsOf(log, "a")).toEqual([5, 5]);
  });

  it("prunes a run's streams in memory while the sink still gets every record", async () => {
    const clock = manualClock(T);
    const sink = new MemorySink();
    const experiment = new Experiment({ prefix: "t/window", sink, clock, aggregators: { window: logWindow({ windowMs: 1000 }) } });
    await experiment.run((exp) => {
      for (let i = 0; i < 5; i++) {
        exp.log(`step ${i}`);
        clock.advance(600);
      }
      expect(exp.events.stream("logs")?.toArray().map((e) => e.sequenceNumber)).toEqual([3, 4]);
    });
    expect(sink.logs("t/window")).toHaveLength(5);
  });

  it("prunes entries the log held before the window was added, on its first event", () => {
    const log = new MultiEventLog().set("a", every);
    [0, 100].forEach((offset, i) => log.emit(createEvent({ sequenceNumber: i, timestamp: T + offset })));
    log.setAggregator("window", logWindow({ windowMs: 1000 }));
    log.emit(createEvent({ sequenceNumber: 2, timestamp: T + 1050 }));
    expect(timestampsOf(log, "a")).toEqual([100, 1050]);
  });

  it("prunes an entry from an event older than the ones before it once it leaves the window", () => {
    const { log, emitAt } = windowed(1000);
    [1000, 1100, 500, 1200, 1550].forEach(emitAt);
    expect(timestampsOf(log, "a")).toEqual([1000, 1100, 500, 1200, 1550]);
    emitAt(1600);
    // Pruning is from the front and stops at the first entry inside the window (1000 >= 600).
    expect(timestampsOf(log, "a")).toEqual([1000, 1100, 500, 1200, 1550, 1600]);
    emitAt(2150);
    expect(timestampsOf(log, "a")).toEqual([1200, 1550, 1600, 2150]);
  });

  it("prunes each stream at the right event when most events find nothing to prune", () => {
    const removedAt: number[] = [];
    const { log, emitAt } = windowed(100, { onDelete: (d) => removedAt.push(d.event.timestamp - T) });
    for (let t = 0; t <= 300; t += 10) emitAt(t);
    expect(removedAt).toEqual([110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250, 260, 270, 280, 290, 300]);
    expect(timestampsOf(log, "a")).toEqual([200, 210, 220, 230, 240, 250, 260, 270, 280, 290, 300]);
  });

  it("gives each fresh() copy its own state and the same handlers", () => {
    const rows: number[] = [];
    const window = logWindow({ windowMs: 1000, onCreate: (row) => rows.push(row.event.sequenceNumber) });
    const a = new MultiEventLog().set("a", every).setAggregator("w", window);
    const b = new MultiEventLog().set("a", every).setAggregator("w", window.fresh?.() ?? window);
    b.emit(createEvent({ sequenceNumber: 0, timestamp: T }));
    // Were the state shared, this scan of log a would raise the bound past log b's entry at T.
    a.emit(createEvent({ sequenceNumber: 1, timestamp: T + 5000 }));
    b.emit(createEvent({ sequenceNumber: 2, timestamp: T + 1500 }));
    expect(timestampsOf(b, "a")).toEqual([1500]);
    expect(rows).toEqual([0, 1, 2]);
  });

  it("rejects missing or bad options, naming them", () => {
    expect(() => logWindow({} as Parameters<typeof logWindow>[0])).toThrow(/logWindow option windowMs is required/);
    expect(() => logWindow({ windowMs: -1 })).toThrow(/logWindow option windowMs must be a finite number of milliseconds >= 0, got -1/);
    expect(() => logWindow({ windowMs: 1, onCreate: [() => undefined, 3 as unknown as () => void] })).toThrow(
      /logWindow option onCreate\[1\] must be a function, got 3/,
    );
    expect(() => logWindow({ windowMs: 1, onDelete: "x" as unknown as () => void })).toThrow(/logWindow option onDelete must be a function or an array/);
  });
});
