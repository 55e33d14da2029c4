import { createEvent, MultiEventLog, type StreamEntry } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { logWindow } from "./log-window.js";
import { tableStorage } from "./table-storage.js";

const T = Date.UTC(2025, 9, 29, 10, 30, 0);

function row(sequenceNumber: number, offsetMs: number, values: Record<string, unknown> = { a: sequenceNumber }) {
  const timestamp = T + offsetMs;
  const entries = new Map<string, StreamEntry>(Object.entries(values).map(([k, value]) => [k, { sequenceNumber, timestamp, value }]));
  return { event: createEvent({ sequenceNumber, timestamp }), entries };
}

describe("tableStorage", () => {
  it("keeps rows and answers time-range slices with both ends included", () => {
    const table = tableStorage();
    [0, 100, 200, 300, 400].forEach((offset, i) => table(row(i, offset)));
    expect(table.size).toBe(5);
    expect(table.slice(T + 100, T + 300).map((r) => r.sequenceNumber)).toEqual([1, 2, 3]);
    expect(table.slice(T + 101, T + 299).map((r) => r.sequenceNumber)).toEqual([2]);
    expect(table.slice(new Date(T + 350), new Date(T + 10_000)).map((r) => r.sequenceNumber)).toEqual([4]);
    expect(table.slice(T + 500, T + 600)).toEqual([]);
    expect(table.slice(T + 300, T + 100)).toEqual([]);
  });

  it("gives each row its values by stream name", () => {
    const table = tableStorage();
    table(row(3, 10, { core: { kind: "point" }, bytes: { heapUsed: 5 } }));
    expect(table.rows()).toEqual([{ sequenceNumber: 3, timestamp: T + 10, values: { core: { kind: "point" }, bytes: { heapUsed: 5 } } }]);
  });

  it("makes no row for an event that appended nothing", () => {
    const table = tableStorage();
    table(row(0, 0, {}));
    expect(table.size).toBe(0);
  });

  it("evicts the oldest rows beyond maxRows and counts them", () => {
    const table = tableStorage({ maxRows: 2 });
    [0, 1, 2].forEach((i) => table(row(i, i)));
    expect(table.rows().map((r) => r.sequenceNumber)).toEqual([1, 2]);
    expect(table.dropped).toBe(1);
  });

  it("still answers slices correctly when rows arrive out of time order", () => {
    const table = tableStorage();
    [300, 100, 200].forEach((offset, i) => table(row(i, offset)));
    expect(table.slice(T + 100, T + 200).map((r) => r.sequenceNumber)).toEqual([1, 2]);
  });

  it("clear() empties the table", () => {
    const table = tableStorage();
    table(row(0, 0));
    table.clear();
    expect(table.size).toBe(0);
    expect(table.rows()).toEqual([]);
  });

  it("keeps rows a logWindow has already pruned from the streams", () => {
    const table = tableStorage();
    const log = new MultiEventLog().set("a", (e) => e.sequenceNumber);
    log.setAggregator("window", logWindow({ windowMs: 100, onCreate: table }));
    [0, 100, 200, 300].forEach((offset, i) => log.emit(createEvent({ sequenceNumber: i, timestamp: T + offset })));
    expect(log.stream("a")?.length).toBe(2);
    expect(table.slice(T, T + 150).map((r) => r.values["a"])).toEqual([0, 1]);
  });

  it("rejects bad arguments, naming them", () => {
    expect(() => tableStorage({ maxRows: 1.5 })).toThrow(/tableStorage option maxRows must be a positive integer or Infinity, got 1.5/);
    expect(() => tableStorage().slice(Number.NaN, 1)).toThrow(/tableStorage slice from must be epoch milliseconds or a valid Date, got NaN/);
    expect(() => tableStorage().slice(0, new Date("nope"))).toThrow(/tableStorage slice to must be epoch milliseconds or a valid Date/);
  });
});
