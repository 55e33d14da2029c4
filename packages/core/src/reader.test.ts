import { describe, expect, it } from "vitest";
import { readByWorker, type ReadOptions } from "./reader.js";
import type { StoredRecord } from "./record.js";

const records: StoredRecord[] = [
  { sequenceNumber: 0, level: "info", worker: "0" },
  { sequenceNumber: 1, level: "warn", worker: "1" },
  { sequenceNumber: 2, level: "info", worker: "0" },
];

/** A reader that filters by worker only, and remembers what it was asked. */
function fakeReader() {
  const asked: ReadOptions[] = [];
  return {
    asked,
    async *read(_prefix: string, options: ReadOptions): AsyncIterable<StoredRecord> {
      asked.push(options);
      for (const record of records) if (record["worker"] === options.worker) yield record;
    },
    workers: async () => ["1", "0", "2"],
  };
}

describe("readByWorker", () => {
  it("gives every worker its records in order, in the order the reader lists the workers, one read per worker with its options", async () => {
    const reader = fakeReader();
    const view = await readByWorker(reader, "a/b", { level: "info" });
    expect([...view.keys()]).toEqual(["1", "0", "2"]);
    expect(view.get("0")?.map((r) => r.sequenceNumber)).toEqual([0, 2]);
    expect(view.get("2")).toEqual([]);
    expect(reader.asked).toEqual([
      { level: "info", worker: "1" },
      { level: "info", worker: "0" },
      { level: "info", worker: "2" },
    ]);
  });

  it("keeps only the worker asked for, and names a bad option before reading", async () => {
    const reader = fakeReader();
    expect([...(await readByWorker(reader, "a/b", { worker: "0" })).keys()]).toEqual(["0"]);
    await expect(readByWorker(fakeReader(), "a/b", { fromSequence: -1 })).rejects.toThrow(/fromSequence/);
  });
});
