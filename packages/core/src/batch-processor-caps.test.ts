import { describe, expect, it } from "vitest";
import { BatchProcessor } from "./batch-processor.js";
import { PartialWriteError } from "./errors.js";
import { IssueChannel } from "./issues.js";
import type { StreamEntry } from "./record.js";
import { countRecords, type RecordBatch, type Sink } from "./sink.js";

const entry = (n: number, timestamp = 0): StreamEntry => ({ sequenceNumber: n, timestamp, value: { n } });

function quietIssues(): IssueChannel {
  const issues = new IssueChannel();
  issues.on(() => undefined);
  return issues;
}

const seqs = (batches: readonly RecordBatch[]) => batches.flatMap((b) => b.records.map((r) => `${b.stream}:${r.sequenceNumber}`));

describe("BatchProcessor write sizes and timing", () => {
  it("hands the sink at most batchSize records per write, a failed one again unchanged", async () => {
    const offered: string[][] = [];
    let failures = 1;
    const sink: Sink = {
      write(batches) {
        offered.push(seqs(batches));
        if (failures-- > 0) throw new Error("down once");
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), batchSize: 4, flushIntervalMs: 1, maxRetryDelayMs: 1 });
    for (let i = 0; i < 6; i++) {
      p.enqueue("logs", entry(i));
      if (i % 2 === 0) p.enqueue("s", entry(i));
    }
    await p.close();
    expect(offered.every((o) => o.length <= 4)).toBe(true);
    expect(offered[1]).toEqual(offered[0]);
    expect(offered.slice(1).flat()).toEqual(["logs:0", "logs:1", "logs:2", "logs:3", "logs:4", "logs:5", "s:0", "s:2", "s:4"]);
    expect(p.stats).toMatchObject({ written: 9, queued: 0 });
  });

  it("caps inline and exit-time writeSync calls at batchSize too", () => {
    const sizes: number[] = [];
    const sink: Sink = {
      write() {},
      writeSync(batches) {
        sizes.push(countRecords(batches));
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), batchSize: 10, maxQueueLength: 1000 });
    for (let i = 0; i < 205; i++) p.enqueue("logs", entry(i));
    expect(p.flushSync()).toBe(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(205);
    expect(Math.max(...sizes)).toBe(10);
  });

  it("writes inline once the oldest queued record is flushIntervalMs old, by the records' own times", () => {
    const written: number[] = [];
    const sink: Sink = {
      write() {},
      writeSync(batches) {
        for (const b of batches) for (const r of b.records) written.push(r.sequenceNumber);
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), flushIntervalMs: 100 });
    p.enqueue("logs", entry(0, 1000));
    p.enqueue("logs", entry(1, 1099));
    expect(written).toEqual([]);
    p.enqueue("logs", entry(2, 1100));
    expect(written).toEqual([0, 1]);
  });

  it("never calls writeSync inline when the sink says it is for exit only", () => {
    const calls: string[] = [];
    const sink: Sink = {
      writeSyncAtExitOnly: true,
      write() {},
      writeSync() {
        calls.push("writeSync");
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), batchSize: 10, maxQueueLength: 100 });
    for (let i = 0; i < 150; i++) p.enqueue("logs", entry(i, i * 50));
    expect(calls).toEqual([]);
    expect(p.stats).toMatchObject({ dropped: 50, queued: 100 });
    p.flushSync();
    expect(calls.length).toBe(10);
  });

  it("counts what a PartialWriteError says was stored, and offers only the rest again", async () => {
    const offered: string[][] = [];
    let first = true;
    const sink: Sink = {
      write(batches) {
        offered.push(seqs(batches));
        if (first) {
          first = false;
          throw new PartialWriteError([2, 0], new Error("ENOSPC"));
        }
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), flushIntervalMs: 1, maxRetryDelayMs: 1 });
    for (let i = 0; i < 3; i++) {
      p.enqueue("logs", entry(i));
      p.enqueue("s", entry(i));
    }
    await p.flush();
    expect(p.stats).toMatchObject({ written: 2, queued: 4 });
    await p.close();
    expect(offered[1]).toEqual(["logs:2", "s:0", "s:1", "s:2"]);
    expect(p.stats).toMatchObject({ written: 6, queued: 0 });
  });

  it("keeps retrying a failing sink at close for the given time, then offers the rest to writeSync once", async () => {
    let writes = 0;
    const synced: number[] = [];
    const sink: Sink = {
      write() {
        writes++;
        throw new Error("down");
      },
      writeSync(batches) {
        for (const b of batches) for (const r of b.records) synced.push(r.sequenceNumber);
      },
    };
    const p = new BatchProcessor({ sink, experiment: "e", issues: quietIssues(), flushIntervalMs: 1, maxRetryDelayMs: 2 });
    p.enqueue("logs", entry(0));
    const stats = await p.close(50);
    expect(writes).toBeGreaterThan(1);
    expect(synced).toEqual([0]);
    expect(stats).toMatchObject({ written: 1, queued: 0 });
  });
});
