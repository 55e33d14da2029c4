import type { RecordBatch } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { RecordQueue } from "../src/record-queue.js";

const batch = (stream: string, from: number, count: number): RecordBatch => ({
  experiment: "p/x",
  stream,
  records: Array.from({ length: count }, (_, i) => ({ sequenceNumber: from + i })),
});

const seqs = (batches: readonly RecordBatch[]) => batches.flatMap((b) => b.records.map((r) => `${b.stream}:${r.sequenceNumber}`));

describe("RecordQueue", () => {
  it("peeks and drops across batch boundaries, keeping order and streams", () => {
    const queue = new RecordQueue();
    queue.push([batch("logs", 0, 3), batch("cpu", 0, 2), batch("logs", 3, 0)]);
    queue.push([batch("logs", 3, 4)]);
    expect(queue.size).toBe(9);
    expect(seqs(queue.peek(4))).toEqual(["logs:0", "logs:1", "logs:2", "cpu:0"]);
    // Peeking removes nothing.
    expect(seqs(queue.peek(2))).toEqual(["logs:0", "logs:1"]);
    queue.drop(4);
    expect(queue.size).toBe(5);
    expect(seqs(queue.peek(3))).toEqual(["cpu:1", "logs:3", "logs:4"]);
    queue.drop(2);
    expect(seqs(queue.peek(100))).toEqual(["logs:4", "logs:5", "logs:6"]);
    expect(seqs(queue.takeAll())).toEqual(["logs:4", "logs:5", "logs:6"]);
    expect(queue.size).toBe(0);
    expect(queue.peek(10)).toEqual([]);
  });

  it("peeks past the records already being sent", () => {
    const queue = new RecordQueue();
    queue.push([batch("logs", 0, 3), batch("cpu", 0, 2), batch("logs", 3, 4)]);
    queue.drop(1);
    expect(seqs(queue.peek(3, 2))).toEqual(["cpu:0", "cpu:1", "logs:3"]);
    expect(seqs(queue.peek(10, 4))).toEqual(["logs:3", "logs:4", "logs:5", "logs:6"]);
    expect(seqs(queue.peek(2, 5))).toEqual(["logs:4", "logs:5"]);
    expect(queue.peek(5, 8)).toEqual([]);
    expect(queue.peek(5, 20)).toEqual([]);
  });

  it("never changes the batches it was given", () => {
    const queue = new RecordQueue();
    const given = batch("logs", 0, 5);
    queue.push([given]);
    queue.drop(2);
    const [rest] = queue.peek(10);
    expect(rest?.records.map((r) => r.sequenceNumber)).toEqual([2, 3, 4]);
    expect(given.records.map((r) => r.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
  });

  it("stays correct through compaction after thousands of small batches", () => {
    const queue = new RecordQueue();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) {
        queue.push([batch("logs", next, 3)]);
        next += 3;
      }
      const taken = queue.peek(250);
      expect(taken[0]?.records[0]?.sequenceNumber).toBe(expected);
      queue.drop(250);
      expected += 250;
    }
    expect(queue.size).toBe(next - expected);
    const all = queue.takeAll().flatMap((b) => b.records.map((r) => r.sequenceNumber));
    expect(all).toEqual(Array.from({ length: next - expected }, (_, i) => expected + i));
  });
});
