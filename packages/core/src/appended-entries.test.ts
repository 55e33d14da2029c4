import { describe, expect, it } from "vitest";
import type { AggregatorContext } from "./aggregator.js";
import { createEvent } from "./create-event.js";
import { MultiEventLog } from "./multi-event-log.js";

describe("the aggregator context", () => {
  it("gives every entry the event appended, by stream, whenever it is read", () => {
    const log = new MultiEventLog().set("a", () => 1).set("b", () => undefined).set("c", (e) => ({ n: e.sequenceNumber }));
    const seen: [string, unknown][][] = [];
    let contextKept: AggregatorContext | undefined;
    log.setAggregator("peek", (context) => {
      seen.push([...context.appended].map(([name, entry]) => [name, entry.value]));
      contextKept = context;
    });
    log.emit(createEvent({ sequenceNumber: 4 }));
    expect(seen).toEqual([
      [
        ["a", 1],
        ["c", { n: 4 }],
      ],
    ]);
    // Read again after the event: the same entries, the same Map.
    expect(contextKept?.appended).toBe(contextKept?.appended);
    expect([...(contextKept?.appended.keys() ?? [])]).toEqual(["a", "c"]);
  });

  it("builds nothing for an aggregator that never reads appended, and the next one still sees it", () => {
    const log = new MultiEventLog().set("a", () => 1);
    let sizes: number[] = [];
    log.setAggregator("ignores", ({ event }) => void event.sequenceNumber);
    log.setAggregator("reads", (context) => {
      sizes = [...sizes, context.appended.size];
    });
    log.emit(createEvent());
    log.emit(createEvent({ sequenceNumber: 1 }));
    expect(sizes).toEqual([1, 1]);
  });
});
