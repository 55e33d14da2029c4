import { describe, expect, it } from "vitest";
import { defineConsumer } from "./consumer.js";
import { createEvent } from "./create-event.js";
import { InvalidArgumentError } from "./errors.js";
import { MultiEventLog } from "./multi-event-log.js";
import { WorkerLogs } from "./worker-logs.js";

const categories = defineConsumer((event) => event.category, { streamName: "category" });

describe("WorkerLogs", () => {
  it("gathers every worker's streams keyed by worker, then empties them; consumer state is kept", () => {
    let counted = 0;
    const counter = defineConsumer(
      () => ++counted,
      { streamName: "count", fresh: () => {
        let n = 0;
        return defineConsumer(() => ++n, { streamName: "count" });
      } },
    );
    const template = new MultiEventLog().set("category", categories).set("count", counter);
    const gather = new WorkerLogs({ template });
    gather.log("0").emit(createEvent({ sequenceNumber: 0, category: "compute" }));
    gather.log("1").emit(createEvent({ sequenceNumber: 1, category: "io" }));
    gather.log("0").emit(createEvent({ sequenceNumber: 2, category: "io" }));
    // A worker_thread or child process posts what its own log drained.
    const remote = new MultiEventLog().set("category", categories);
    remote.emit(createEvent({ sequenceNumber: 3, category: "remote" }));
    gather.receive("thread-2", remote.drain());

    const first = gather.drain();
    expect(Object.keys(first)).toEqual(["0", "1", "thread-2"]);
    expect(first["0"]?.["category"]?.map((e) => e.value)).toEqual(["compute", "io"]);
    expect(first["0"]?.["count"]?.map((e) => e.value)).toEqual([1, 2]);
    expect(first["1"]?.["count"]?.map((e) => e.value)).toEqual([1]);
    expect(first["thread-2"]?.["category"]?.map((e) => e.sequenceNumber)).toEqual([3]);

    const second = gather.drain();
    expect(second["0"]?.["category"]).toEqual([]);
    expect(second["thread-2"]?.["category"]).toEqual([]);
    gather.log("0").emit(createEvent({ sequenceNumber: 4, category: "compute" }));
    expect(gather.drain()["0"]?.["count"]?.map((e) => e.value)).toEqual([3]);
    expect(counted).toBe(0);
  });

  it("bounds what it holds per worker and stream, counting what it evicts", () => {
    const gather = new WorkerLogs({ maxStreamLength: 2 });
    gather.receive("w", { s: [0, 1, 2].map((i) => ({ sequenceNumber: i, timestamp: i, value: i })) });
    expect(gather.drain()["w"]?.["s"]?.map((e) => e.value)).toEqual([1, 2]);
    expect(gather.dropped).toBe(1);
  });

  it("names the bad argument", () => {
    const gather = new WorkerLogs();
    expect(() => gather.log("a/b")).toThrow(InvalidArgumentError);
    expect(() => gather.log("a/b")).toThrow(/worker must be .*"a\/b"/);
    expect(() => gather.receive("w", { s: 5 as never })).toThrow(/stream "s" of worker "w" must be an array/);
    expect(() => new WorkerLogs({ maxStreamLength: 0 })).toThrow(/maxStreamLength/);
  });
});
