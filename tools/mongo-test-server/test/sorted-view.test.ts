import type { Document } from "bson";
import { describe, expect, it } from "vitest";
import { MemoryCollection, sortDocuments } from "../src/memory-collection.js";

// A pseudo-random but repeatable mix: numbers with ties, missing fields, strings, other streams.
function collection(): MemoryCollection {
  const c = new MemoryCollection("db.records");
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 600; i++) {
    const r = next() % 10;
    const doc: Document = { _id: i, stream: r < 5 ? "core" : "full" };
    if (r === 9) doc["sequenceNumber"] = `s${i % 7}`;
    else if (r !== 8) doc["sequenceNumber"] = next() % 150;
    c.insert(doc);
  }
  return c;
}

const filters: (Document | undefined)[] = [
  undefined,
  { stream: "core" },
  { stream: "full", sequenceNumber: { $gt: 40 } },
  { sequenceNumber: { $gte: 40, $lte: 90 } },
  { sequenceNumber: { $lt: 100 }, stream: "core" },
  { sequenceNumber: { $gt: "s2" } },
  { sequenceNumber: { $gt: 1000 } },
];

describe("findSorted", () => {
  it("returns what a filter, a stable sort and a limit return, in both directions", () => {
    const c = collection();
    for (const filter of filters) {
      for (const direction of [1, -1] as const) {
        for (const count of [1, 17, 1000]) {
          const expected = sortDocuments(c.find(filter), { sequenceNumber: direction }).slice(0, count);
          expect(c.findSorted(filter, "sequenceNumber", direction, count).map((d) => d["_id"]), JSON.stringify({ filter, direction, count })).toEqual(
            expected.map((d) => d["_id"]),
          );
        }
      }
    }
  });

  it("stays right after inserts in and out of order, replacements and deletes", () => {
    const c = new MemoryCollection("db.records");
    for (let i = 0; i < 10; i++) c.insert({ _id: i, sequenceNumber: i });
    const page = () => c.findSorted({ sequenceNumber: { $gt: 2 } }, "sequenceNumber", 1, 4).map((d) => d["_id"]);
    expect(page()).toEqual([3, 4, 5, 6]);
    c.insert({ _id: 10, sequenceNumber: 3.5 }); // out of order: the view is rebuilt
    expect(page()).toEqual([3, 10, 4, 5]);
    c.insert({ _id: 11, sequenceNumber: 20 });
    expect(c.findSorted({ sequenceNumber: { $gt: 8 } }, "sequenceNumber", 1, 5).map((d) => d["_id"])).toEqual([9, 11]);
    const four = c.find({ _id: 4 })[0] as Document;
    c.replace(four, { _id: 4, sequenceNumber: 100 });
    expect(page()).toEqual([3, 10, 5, 6]);
    c.delete({ _id: 5 }, 1);
    expect(page()).toEqual([3, 10, 6, 7]);
  });
});
