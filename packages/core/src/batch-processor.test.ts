import { afterEach, describe, expect, it, vi } from "vitest";
import { BatchProcessor, SYNC_WRITE_BATCHES } from "./batch-processor.js";
import { IssueChannel } from "./issues.js";
import { MemorySink } from "./memory-sink.js";
import type { StreamEntry } from "./record.js";
import type { RecordBatch, Sink } from "./sink.js";

const entry = (n: number, value: unknown = { n }): StreamEntry => ({ sequenceNumber: n, timestamp: n, value });

function quietIssues(): IssueChannel {
  const issues = new IssueChannel();
  issues.on(() => undefined);
  return issues;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("BatchProcessor", () => {
  it("never writes on the caller's path and flushes after the interval", async () => {
    vi.useFakeTimers();
    const sink = new MemorySink();
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), flushIntervalMs: 100 });
    p.enqueue("logs", entry(0));
    p.enqueue("logs", entry(1));
    expect(sink.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(sink.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.records("e").map((r) => r.sequenceNumber)).toEqual([0, 1]);
    expect(sink.writes).toHaveLength(1);
  });

  it("writes as soon as batchSize records wait", async () => {
    const sink = new MemorySink();
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), batchSize: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) p.enqueue("logs", entry(i));
    await new Promise((resolve) => setImmediate(resolve));
    await p.flush();
    expect(sink.records("e")).toHaveLength(3);
  });

  it("puts the logs stream first in every write and keeps per-stream order", async () => {
    const sink = new MemorySink();
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues() });
    p.enqueue("bytes", entry(0, 10));
    p.enqueue("logs", entry(0));
    p.enqueue("bytes", entry(1, 20));
    p.enqueue("logs", entry(1));
    await p.flush();
    expect(sink.writes[0]?.map((b) => b.stream)).toEqual(["logs", "bytes"]);
    expect(sink.records("e", "bytes")).toEqual([
      { value: 10, sequenceNumber: 0 },
      { value: 20, sequenceNumber: 1 },
    ]);
  });

  it("retries a failing sink with the same batches and loses nothing", async () => {
    const stored: number[] = [];
    let failures = 2;
    const sink: Sink = {
      write(batches: readonly RecordBatch[]) {
        if (failures-- > 0) throw new Error("disk busy");
        for (const b of batches) for (const r of b.records) stored.push(r.sequenceNumber);
      },
    };
    const issues = new IssueChannel();
    const seen: string[] = [];
    issues.on((issue) => seen.push(issue.message));
    const p = new BatchProcessor({ sink, experiment: "e", issues, flushIntervalMs: 1, maxRetryDelayMs: 5 });
    for (let i = 0; i < 5; i++) p.enqueue("logs", entry(i));
    await p.flush();
    expect(stored).toEqual([]);
    expect(p.stats.queued).toBe(5);
    for (let i = 5; i < 8; i++) p.enqueue("logs", entry(i));
    await vi.waitFor(() => expect(stored).toEqual([0, 1, 2, 3, 4, 5, 6, 7]), { timeout: 5000 });
    expect(p.stats).toMatchObject({ written: 8, queued: 0, dropped: 0, failedWrites: 2 });
    expect(seen[0]).toBe('dashlog sink "write" failed at event 0: disk busy');
  });

  it("bounds the queue while the sink fails and counts what it drops", async () => {
    const sink: Sink = {
      write() {
        throw new Error("down");
      },
    };
    const issues = quietIssues();
    const p = new BatchProcessor({ sink, experiment: "e", issues, maxQueueLength: 10, flushIntervalMs: 60_000 });
    for (let i = 0; i < 25; i++) p.enqueue("logs", entry(i));
    const stats = await p.close(0);
    expect(stats).toMatchObject({ queued: 10, dropped: 15, written: 0 });
    expect(issues.count("sink", "queue")).toBe(1);
  });

  it("hands everything (including a batch whose write failed) to writeSync at exit", async () => {
    const written: number[] = [];
    let fail = true;
    const sink: Sink = {
      write() {
        if (fail) throw new Error("slow disk");
      },
      writeSync(batches) {
        for (const b of batches) for (const r of b.records) written.push(r.sequenceNumber);
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), flushIntervalMs: 60_000 });
    p.enqueue("logs", entry(0));
    await p.flush();
    fail = false;
    p.enqueue("logs", entry(1));
    expect(p.flushSync()).toBe(0);
    expect(written).toEqual([0, 1]);
    expect(p.stats.queued).toBe(0);
  });

  it("writes inline through writeSync when the caller never yields, instead of dropping", () => {
    const sink = new MemorySink();
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), batchSize: 10, maxQueueLength: 50 });
    for (let i = 0; i < 1000; i++) p.enqueue("logs", entry(i));
    // No await above: only inline writes can have stored these.
    expect(sink.records("e").length).toBeGreaterThanOrEqual(1000 - SYNC_WRITE_BATCHES * 10);
    expect(p.stats.dropped).toBe(0);
    p.flushSync();
    expect(sink.records("e").map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it("at exit, drops a consumer value JSON cannot hold and hands the rest over", () => {
    const written: string[] = [];
    const jsonSink: Sink = {
      write() {
        throw new Error("not used");
      },
      writeSync(batches: readonly RecordBatch[]) {
        const lines = batches.flatMap((b) => b.records.map((r) => `${b.stream}:${JSON.stringify(r)}`));
        written.push(...lines);
      },
    };
    const p = new BatchProcessor({ sink: jsonSink, experiment: "e", issues: quietIssues() });
    p.enqueue("logs", entry(0));
    p.enqueue("odd", entry(0, { big: 1n }));
    p.enqueue("odd", entry(1));
    expect(p.flushSync()).toBe(0);
    expect(written).toEqual(['logs:{"n":0,"sequenceNumber":0}', 'odd:{"n":1,"sequenceNumber":1}']);
    expect(p.stats).toMatchObject({ dropped: 1, written: 2, queued: 0 });
  });

  it("reports how many records a sink without writeSync loses at exit", () => {
    const p = new BatchProcessor({ sink: { write() {} }, experiment: "e", issues: quietIssues() });
    p.enqueue("logs", entry(0));
    p.enqueue("x", entry(0));
    expect(p.flushSync()).toBe(2);
  });
});
