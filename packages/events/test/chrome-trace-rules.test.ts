import { describe, expect, it } from "vitest";
import { chromeTraceProblems } from "./chrome-trace-rules.js";

const named = { name: "thread_name", ph: "M", pid: 1, tid: 1, ts: 0, args: { name: "io" } };
const x = (ts: number, dur: number, extra: Record<string, unknown> = {}) => ({ name: "io 1", ph: "X", pid: 1, tid: 1, ts, dur, ...extra });

describe("chromeTraceProblems (the validator the trace tests rely on)", () => {
  it("accepts a well-formed trace", () => {
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 10), x(2, 3), x(10, 1)], displayTimeUnit: "ms" })).toEqual([]);
  });

  it("reports each broken rule", () => {
    expect(chromeTraceProblems([])).toEqual(["trace must be a JSON object"]);
    expect(chromeTraceProblems({ traceEvents: [named, x(5, -1)] })).toEqual(["traceEvents[1].dur must be a finite number >= 0 (µs)"]);
    expect(chromeTraceProblems({ traceEvents: [named, x(5, 1), x(4, 1)] })).toEqual([
      "traceEvents[2].ts 4 goes back in time on track 1:1 (previous 5)",
    ]);
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 10), x(5, 10)] })).toEqual([
      "traceEvents[2] overlaps traceEvents[1] on track 1:1 without nesting in it",
    ]);
    expect(chromeTraceProblems({ traceEvents: [x(0, 1)] })).toEqual(["track 1:1 has complete events but no thread_name"]);
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 1, { pid: 1.5 })] })).toContain("traceEvents[1].pid must be a non-negative integer");
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 1, { ph: "B" })] })).toEqual(['traceEvents[1].ph must be "X" or "M", got "B"']);
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 1, { ts: "0" })] })).toEqual(["traceEvents[1].ts must be a finite number >= 0 (µs)"]);
    expect(chromeTraceProblems({ traceEvents: [{ ...named, args: {} }] })).toEqual(["traceEvents[0].args.name must be a string"]);
    expect(chromeTraceProblems({ traceEvents: [named, x(0, Number.NaN)] })).toContain("trace does not survive a JSON round trip at trace.traceEvents[1].dur");
    expect(chromeTraceProblems({ traceEvents: [named, x(0, 1, { args: { at: new Date(0) } })] })).toEqual([
      "trace does not survive a JSON round trip at trace.traceEvents[1].args.at",
    ]);
  });
});
