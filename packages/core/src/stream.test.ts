import { describe, expect, it } from "vitest";
import type { StreamEntry } from "./record.js";
import { Stream } from "./stream.js";

const entry = (n: number, timestamp = n): StreamEntry<number> => ({ sequenceNumber: n, timestamp, value: n });

describe("Stream", () => {
  it("keeps order and answers at/first/last", () => {
    const s = new Stream<number>("x");
    for (let i = 0; i < 5; i++) s.push(entry(i));
    expect(s.length).toBe(5);
    expect(s.first?.value).toBe(0);
    expect(s.last?.value).toBe(4);
    expect(s.at(2)?.value).toBe(2);
    expect(s.at(-2)?.value).toBe(3);
    expect(s.at(5)).toBeUndefined();
    expect([...s].map((e) => e.value)).toEqual([0, 1, 2, 3, 4]);
  });

  it("evicts the oldest entries past maxLength and counts them", () => {
    const s = new Stream<number>("x", 3);
    for (let i = 0; i < 10; i++) s.push(entry(i));
    expect(s.toArray().map((e) => e.value)).toEqual([7, 8, 9]);
    expect(s.dropped).toBe(7);
  });

  it("removes strictly older entries and keeps one exactly at the boundary", () => {
    const s = new Stream<number>("x");
    for (let i = 0; i < 10; i++) s.push(entry(i, i * 10));
    expect(s.removeOlderThan(50)).toBe(5);
    expect(s.first?.timestamp).toBe(50);
    expect(s.dropped).toBe(0);
  });

  it("stays correct across many front removals (compaction)", () => {
    const s = new Stream<number>("x", 2000);
    for (let i = 0; i < 10_000; i++) s.push(entry(i));
    expect(s.length).toBe(2000);
    expect(s.first?.value).toBe(8000);
    expect(s.at(1999)?.value).toBe(9999);
    s.removeWhile((e) => e.value < 9500);
    expect(s.length).toBe(500);
    expect(s.at(0)?.value).toBe(9500);
  });

  it("drain hands everything over and empties the stream", () => {
    const s = new Stream<number>("x");
    s.push(entry(1));
    s.push(entry(2));
    expect(s.drain().map((e) => e.value)).toEqual([1, 2]);
    expect(s.length).toBe(0);
    s.push(entry(3));
    expect(s.toArray().map((e) => e.value)).toEqual([3]);
  });
});
