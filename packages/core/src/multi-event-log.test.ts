import { describe, expect, it, vi } from "vitest";
import type { Aggregator, AggregatorContext } from "./aggregator.js";
import { defineConsumer, type Consumer } from "./consumer.js";
import { createEvent } from "./create-event.js";
import { InvalidArgumentError, InvalidPrefixError } from "./errors.js";
import type { DashlogIssue } from "./issues.js";
import { MultiEventLog } from "./multi-event-log.js";

function counter(): Consumer<number> {
  let n = 0;
  return defineConsumer(() => ++n, { streamName: "count", fresh: counter });
}

describe("MultiEventLog", () => {
  it("feeds each named consumer's stream, sparsely, joined by sequence number", () => {
    const log = new MultiEventLog();
    log.set("category", (e) => e.category);
    log.set("onlyStarts", (e) => (e.kind === "start" ? e.id : undefined));
    log.emit(createEvent({ sequenceNumber: 0, category: "log" }));
    log.emit(createEvent({ sequenceNumber: 1, category: "io", kind: "start", id: "a" }));
    log.emit(createEvent({ sequenceNumber: 2, category: "io", kind: "finish", id: "a" }));
    expect(log.stream("category")?.toArray().map((e) => [e.sequenceNumber, e.value])).toEqual([
      [0, "log"],
      [1, "io"],
      [2, "io"],
    ]);
    expect(log.stream("onlyStarts")?.toArray().map((e) => [e.sequenceNumber, e.value])).toEqual([[1, "a"]]);
  });

  it("keeps logging when a consumer throws: counts it, reports it, and the others still run", () => {
    const log = new MultiEventLog();
    const issues: DashlogIssue[] = [];
    log.issues.on((issue) => issues.push(issue));
    log.set("bad", () => {
      throw new Error("boom");
    });
    log.set("good", (e) => e.sequenceNumber);
    for (let i = 0; i < 3; i++) log.emit(createEvent({ sequenceNumber: i }));
    expect(log.stream("good")?.length).toBe(3);
    expect(log.stream("bad")?.length).toBe(0);
    expect(log.issues.count("consumer", "bad")).toBe(3);
    expect(issues.map((i) => [i.source, i.name, i.count, i.sequenceNumber])).toEqual([
      ["consumer", "bad", 1, 0],
      ["consumer", "bad", 2, 1],
      ["consumer", "bad", 3, 2],
    ]);
    expect(issues[0]?.message).toBe('dashlog consumer "bad" failed at event 0: boom');
  });

  it("prints the first failure of a consumer as a process warning when nobody listens", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const log = new MultiEventLog();
      log.set("bad", () => {
        throw new Error("nope");
      });
      log.emit(createEvent());
      log.emit(createEvent({ sequenceNumber: 1 }));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('consumer "bad" failed at event 0: nope');
      expect(log.issues.count()).toBe(2);
    } finally {
      warn.mockRestore();
    }
  });

  it("drain hands over and empties every stream but keeps consumer state", () => {
    const log = new MultiEventLog();
    log.add(counter());
    log.emit(createEvent({ sequenceNumber: 0 }));
    log.emit(createEvent({ sequenceNumber: 1 }));
    expect(log.drain()["count"]?.map((e) => e.value)).toEqual([1, 2]);
    expect(log.stream("count")?.length).toBe(0);
    log.emit(createEvent({ sequenceNumber: 2 }));
    expect(log.drain()["count"]?.map((e) => e.value)).toEqual([3]);
  });

  it("fresh() copies consumers with reset state and leaves the original alone", () => {
    const log = new MultiEventLog().add(counter());
    log.emit(createEvent());
    const copy = log.fresh();
    copy.emit(createEvent());
    expect(copy.stream("count")?.last?.value).toBe(1);
    log.emit(createEvent());
    expect(log.stream("count")?.last?.value).toBe(2);
  });

  it("calls aggregators after the consumers with the entries this event appended", () => {
    const log = new MultiEventLog();
    const seen: string[][] = [];
    const aggregator: Aggregator = (ctx: AggregatorContext) => {
      seen.push([...ctx.appended.keys()]);
      expect(ctx.streams.get("a")?.last?.sequenceNumber).toBe(ctx.event.sequenceNumber);
    };
    log.set("a", () => 1).set("b", (e) => (e.sequenceNumber % 2 === 0 ? 1 : undefined));
    log.setAggregator("spy", aggregator);
    log.emit(createEvent({ sequenceNumber: 0 }));
    log.emit(createEvent({ sequenceNumber: 1 }));
    expect(seen).toEqual([["a", "b"], ["a"]]);
  });

  it("reports an aggregator that throws without stopping the event", () => {
    const log = new MultiEventLog();
    log.issues.on(() => undefined);
    log.set("a", () => 1);
    log.setAggregator("bad", () => {
      throw new Error("agg");
    });
    log.emit(createEvent());
    expect(log.stream("a")?.length).toBe(1);
    expect(log.issues.count("aggregator", "bad")).toBe(1);
  });

  it("bounds streams (globally and per stream) and counts what was evicted", () => {
    const log = new MultiEventLog({ maxStreamLength: 5 });
    log.set("all", () => 1).set("small", () => 1, { maxLength: 2 });
    for (let i = 0; i < 12; i++) log.emit(createEvent({ sequenceNumber: i }));
    expect(log.stream("all")?.length).toBe(5);
    expect(log.stream("all")?.dropped).toBe(7);
    expect(log.stream("small")?.length).toBe(2);
    expect(log.stream("small")?.dropped).toBe(10);
  });

  it("replacing or deleting a consumer closes it", () => {
    const close = vi.fn();
    const log = new MultiEventLog();
    log.set("x", defineConsumer(() => 1, { close }));
    log.set("x", () => 2);
    expect(close).toHaveBeenCalledTimes(1);
    expect(log.delete("x")).toBe(true);
    expect(log.delete("x")).toBe(false);
    expect(log.consumerNames).toEqual([]);
  });

  it("rejects bad names and non-function consumers with clear errors", () => {
    const log = new MultiEventLog();
    expect(() => log.set("../x", () => 1)).toThrow(InvalidPrefixError);
    expect(() => log.set("x", 42 as unknown as Consumer)).toThrow('consumer "x" must be a function (event) => value, got 42');
    expect(() => log.add(() => 1)).toThrow(InvalidArgumentError);
    expect(() => new MultiEventLog({ maxStreamLength: 0 })).toThrow("maxStreamLength must be a positive integer or Infinity, got 0");
  });

  it("notifies entry listeners for every appended entry until unsubscribed", () => {
    const log = new MultiEventLog().set("a", () => "x");
    const seen: [string, number][] = [];
    const off = log.onEntry((stream, entry) => seen.push([stream, entry.sequenceNumber]));
    log.emit(createEvent({ sequenceNumber: 7 }));
    off();
    log.emit(createEvent({ sequenceNumber: 8 }));
    expect(seen).toEqual([["a", 7]]);
  });
});
