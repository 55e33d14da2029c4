import { createEvent, InvalidArgumentError, InvalidPrefixError, MultiEventLog } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { sampled } from "./sampled.js";

const at = (monotonic: number) => createEvent({ monotonic });

describe("sampled", () => {
  it("reads at most every everyMs and stores each reading once (a sparse stream)", () => {
    let reads = 0;
    const consumer = sampled({ streamName: "g", everyMs: 1000, read: () => ({ n: ++reads }) });
    const values = [0, 400, 999, 1000, 1999, 2000].map((t) => consumer(at(t)));
    expect(reads).toBe(3);
    expect(values).toEqual([{ n: 1 }, undefined, undefined, { n: 2 }, undefined, { n: 3 }]);
  });

  it("repeats the cached value between reads with repeat: true (a dense stream)", () => {
    let reads = 0;
    const consumer = sampled({ streamName: "g", everyMs: 1000, repeat: true, read: () => ({ n: ++reads }) });
    const values = [0, 400, 999, 1000, 1999, 2000].map((t) => consumer(at(t)));
    expect(reads).toBe(3);
    expect(values).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }, { n: 2 }, { n: 3 }]);
  });

  it("stores only new samples with repeat: false, as by default", () => {
    let reads = 0;
    const consumer = sampled({ streamName: "g", everyMs: 10, repeat: false, read: () => ++reads });
    expect([0, 5, 10, 12].map((t) => consumer(at(t)))).toEqual([1, undefined, 2, undefined]);
  });

  it("defaults to 1000 ms and gives fresh() copies their own schedule", () => {
    let reads = 0;
    const consumer = sampled({ streamName: "g", read: () => ++reads });
    consumer(at(0));
    consumer(at(999));
    expect(reads).toBe(1);
    const copy = consumer.fresh?.();
    copy?.(at(999));
    expect(reads).toBe(2);
  });

  it("feeds a MultiEventLog stream under its streamName", () => {
    const log = new MultiEventLog().add(sampled({ streamName: "answer", read: () => 42 }));
    log.emit(at(0));
    expect(log.drain()["answer"]?.map((e) => e.value)).toEqual([42]);
  });

  it("rejects bad options with errors naming the option and the value", () => {
    expect(() => sampled({ streamName: "g", read: () => 1, everyMs: -1 })).toThrow(
      new InvalidArgumentError("sampled option everyMs", -1, "must be a finite number of milliseconds >= 0"),
    );
    expect(() => sampled({ streamName: "g", read: () => 1, everyMs: Number.NaN })).toThrow(/everyMs/);
    expect(() => sampled({ streamName: "g", read: () => 1, repeat: "yes" as unknown as boolean })).toThrow(/sampled option repeat must be true or false, got "yes"/);
    expect(() => sampled({ streamName: "g", read: 5 as unknown as () => number })).toThrow(/sampled option read must be a function/);
    expect(() => sampled({ streamName: "../x", read: () => 1 })).toThrow(InvalidPrefixError);
    expect(() => sampled(null as unknown as Parameters<typeof sampled>[0])).toThrow(/sampled options must be an object/);
  });
});
