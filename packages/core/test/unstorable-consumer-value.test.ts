import { describe, expect, it } from "vitest";
import { Experiment } from "../src/experiment.js";
import type { DashlogIssue } from "../src/issues.js";
import { MemorySink } from "../src/memory-sink.js";
import type { RecordBatch } from "../src/sink.js";

/** A sink that, like a file sink, must serialise each record as JSON. */
class JsonSink extends MemorySink {
  override write(batches: readonly RecordBatch[]): void {
    for (const batch of batches) for (const record of batch.records) JSON.stringify(record);
    super.write(batches);
  }
}

// A consumer value JSON cannot hold used to make every write of its batch throw; the batch was
// retried forever and every record after it, of every stream, stayed queued until the run ended.
describe("a consumer value that cannot be stored as JSON", () => {
  it("is dropped, reported and counted; every other record is written", async () => {
    const sink = new JsonSink();
    const issues: DashlogIssue[] = [];
    const circular: Record<string, unknown> = {};
    circular["self"] = circular;
    const values: unknown[] = [{ ok: 0 }, { big: 1n }, circular, { ok: 3 }, { toJSON: () => undefined }, { when: new Date(0) }];
    const exp = await new Experiment({
      prefix: "unstorable/values",
      sink,
      consumers: { odd: (event) => values[event.sequenceNumber] },
      onIssue: (issue) => issues.push(issue),
    }).start();
    for (let i = 0; i < values.length; i++) {
      exp.log(`event ${i}`);
      await exp.flush();
    }
    const summary = await exp.complete();
    expect(sink.logs("unstorable/values").map((r) => r.sequenceNumber)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sink.records("unstorable/values", "odd")).toEqual([
      { ok: 0, sequenceNumber: 0 },
      { ok: 3, sequenceNumber: 3 },
      { when: new Date(0), sequenceNumber: 5 },
    ]);
    // A BigInt, a circular object, and an own toJSON() (a file sink would write "undefined").
    expect(issues.map((i) => [i.source, i.name, i.sequenceNumber])).toEqual([
      ["consumer", "odd", 1],
      ["consumer", "odd", 2],
      ["consumer", "odd", 4],
    ]);
    expect(issues[0]?.message).toMatch(/^dashlog consumer "odd" failed at event 1: its value cannot be stored as JSON \(.*BigInt.*\); the entry was dropped$/);
    expect(summary).toMatchObject({ written: 9, unwritten: 0, dropped: 3 });
  });

  it("is dropped when the run writes inline, for a caller that never yields, and the rest is written", async () => {
    const sink = new JsonSink();
    const issues: DashlogIssue[] = [];
    const exp = await new Experiment({
      prefix: "unstorable/inline",
      sink,
      batchSize: 10,
      consumers: { odd: (event) => (event.sequenceNumber === 25 ? { big: 2n } : { n: event.sequenceNumber }) },
      onIssue: (issue) => issues.push(issue),
    }).start();
    // No await: the batches are written inline (writeSync) once 8 of them are queued.
    for (let i = 0; i < 200; i++) exp.log(`event ${i}`);
    expect(sink.writes.length).toBeGreaterThan(0);
    const summary = await exp.complete();
    expect(sink.records("unstorable/inline", "odd").map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 199 }, (_, i) => (i < 25 ? i : i + 1)));
    expect(sink.logs("unstorable/inline")).toHaveLength(200);
    expect(issues.map((i) => [i.source, i.name, i.sequenceNumber])).toEqual([["consumer", "odd", 25]]);
    expect(summary).toMatchObject({ dropped: 1, unwritten: 0 });
  });

  it("is kept by a sink that stores objects, and a write that succeeds never serialises the records", async () => {
    const sink = new MemorySink();
    let reads = 0;
    // Nested, so that only serialising the record reads it (the stored copy of the top level does not).
    const watched = {
      inner: {
        get value() {
          reads++;
          return 1;
        },
      },
    };
    const exp = await new Experiment({
      prefix: "unstorable/objects",
      sink,
      consumers: { big: () => ({ big: 3n }), watched: () => watched },
    }).start();
    exp.log("one");
    const summary = await exp.complete();
    expect(sink.records("unstorable/objects", "big")).toEqual([{ big: 3n, sequenceNumber: 0 }]);
    expect(reads).toBe(0);
    expect(summary).toMatchObject({ dropped: 0 });
  });
});
