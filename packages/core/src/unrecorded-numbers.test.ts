import { describe, expect, it } from "vitest";
import { anyUnrecordedNumbers, stateUnrecordedNumbers, type SequenceCounterState } from "./unrecorded-numbers.js";
import type { WorkerPartState } from "./worker-parts.js";

const part = (worker: string, reserved: { first: number; count: number }[], extra: Partial<WorkerPartState> = {}): WorkerPartState => ({
  worker,
  status: "RUNNING",
  effectiveStatus: "CRASHED",
  startedAt: "2026-01-01T00:00:00.000Z",
  reserved,
  ...extra,
});

const counter = (next: number, taken: Record<string, Record<string, number>>): SequenceCounterState => ({
  next,
  taken: new Map(Object.entries(taken).map(([runId, workers]) => [runId, new Map(Object.entries(workers))])),
});

describe("stateUnrecordedNumbers", () => {
  it("states the block a worker took from the counter and never recorded, on that worker's part", () => {
    // a took [0,10) and [20,30) but recorded only the first; b took [10,20) and [30,40).
    const parts = new Map([["r", [part("a", [{ first: 0, count: 10 }]), part("b", [{ first: 10, count: 10 }, { first: 30, count: 10 }])]]]);
    const c = counter(40, { r: { a: 20, b: 20 } });
    expect(anyUnrecordedNumbers(parts, c)).toBe(true);
    const [a, b] = stateUnrecordedNumbers(parts, c, []).get("r") ?? [];
    expect(a).toMatchObject({ takenSequenceNumbers: 20, unrecordedSequenceNumbers: [{ first: 20, count: 10 }] });
    expect(a?.unrecordedSharedWith).toBeUndefined();
    expect(b).toMatchObject({ takenSequenceNumbers: 20 });
    expect(b?.unrecordedSequenceNumbers).toBeUndefined();
  });

  it("does not blame a worker for numbers a run of its own used, nor for numbers below where it joined", () => {
    // A run of its own used [0,50); the counter then jumped past 50..59 (ml-dash lines), a joined at 60 and died on its first block.
    const parts = new Map([["r", [part("a", [], { sequenceFloor: 60 }), part("b", [{ first: 70, count: 10 }])]]]);
    const c = counter(80, { r: { a: 10, b: 10 } });
    const [a] = stateUnrecordedNumbers(parts, c, [{ first: 0, count: 50 }]).get("r") ?? [];
    expect(a?.unrecordedSequenceNumbers).toEqual([{ first: 60, count: 10 }]);
  });

  it("shares the holes out by order when several workers fall short, and names the others", () => {
    const parts = new Map([["r", [part("a", [{ first: 0, count: 10 }]), part("b", [{ first: 10, count: 10 }]), part("c", [{ first: 40, count: 10 }])]]]);
    const c = counter(50, { r: { a: 20, b: 20, c: 10 } });
    const [a, b, other] = stateUnrecordedNumbers(parts, c, []).get("r") ?? [];
    expect(a).toMatchObject({ unrecordedSequenceNumbers: [{ first: 20, count: 10 }], unrecordedSharedWith: ["b"] });
    expect(b).toMatchObject({ unrecordedSequenceNumbers: [{ first: 30, count: 10 }], unrecordedSharedWith: ["a"] });
    expect(other?.unrecordedSequenceNumbers).toBeUndefined();
  });

  it("changes nothing when every worker recorded what it took, or the counter keeps no counts", () => {
    const parts = new Map([["r", [part("a", [{ first: 0, count: 10 }])]]]);
    expect(anyUnrecordedNumbers(parts, counter(10, { r: { a: 10 } }))).toBe(false);
    expect(anyUnrecordedNumbers(parts, undefined)).toBe(false);
    expect(stateUnrecordedNumbers(parts, counter(30, {}), []).get("r")?.[0]?.unrecordedSequenceNumbers).toBeUndefined();
  });

  it("does not blame a live worker: it may be between moving the counter and recording the block", () => {
    const parts = new Map([["r", [part("a", [{ first: 0, count: 10 }], { effectiveStatus: "RUNNING" })]]]);
    const c = counter(20, { r: { a: 20 } });
    expect(anyUnrecordedNumbers(parts, c)).toBe(false);
    expect(stateUnrecordedNumbers(parts, c, []).get("r")?.[0]).toMatchObject({ takenSequenceNumbers: 20 });
    expect(stateUnrecordedNumbers(parts, c, []).get("r")?.[0]?.unrecordedSequenceNumbers).toBeUndefined();
  });
});
