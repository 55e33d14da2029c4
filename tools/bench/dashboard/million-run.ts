import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const PREFIX = "bench/dashboard/million";
const T0 = Date.UTC(2026, 0, 1);
const LEVELS = ["debug", "info", "info", "info", "info", "info", "info", "info", "info", "warn"] as const;

async function writeLines(path: string, count: number, line: (i: number) => unknown): Promise<void> {
  const out = createWriteStream(path);
  let buffer = "";
  for (let i = 0; i < count; i++) {
    buffer += `${JSON.stringify(line(i))}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once("drain", () => r()));
      buffer = "";
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/**
 * A run of `records` log records and 10 streams, written straight in the local sink's line
 * format (writing a million records through Experiment would time the writer, not the
 * dashboard): logs, a per-event `core` stream, spans of every tenth event, and seven sampled
 * system streams (one sample per hundred events). Its run is RUNNING, as a live one is.
 */
export async function writeMillionRun(root: string, records: number): Promise<void> {
  const dir = join(root, ...PREFIX.split("/"));
  await mkdir(join(dir, "logs"), { recursive: true });
  const ts = (i: number) => new Date(T0 + i * 10).toISOString();
  const logs = join(dir, "logs");
  await writeLines(join(logs, "logs.jsonl"), records, (i) => ({
    timestamp: ts(i),
    level: i % 99_991 === 0 ? "error" : LEVELS[i % 10],
    message: `step ${i} done`,
    metadata: { step: i, epoch: Math.floor(i / 10_000), loss: 2 / (1 + i / 1e4) + (i % 50_000 === 0 ? 3 : 0), lr: 0.001 },
    sequenceNumber: i,
  }));
  const sampled = Math.floor(records / 100);
  const at = (f: (s: number) => Record<string, number>) => (i: number) => ({ ...f(i * 100), sequenceNumber: i * 100 });
  await writeLines(join(logs, "memory.jsonl"), sampled, at((s) => ({ rss: 2e8 + s * 10, heapTotal: 1e8 + s, heapUsed: 8e7 + (s % 1e5) * 100, external: 4e6, arrayBuffers: 1e6 })));
  await writeLines(join(logs, "cpu.jsonl"), sampled, at((s) => ({ userUs: 800 + (s % 300), systemUs: 100, intervalMs: 1 })));
  await writeLines(join(logs, "eventLoopDelay.jsonl"), sampled, at((s) => ({ p50Ms: 1, p99Ms: 3 + (s % 7), maxMs: 9, meanMs: 1.2, samples: 100, intervalMs: 1000 })));
  await writeLines(join(logs, "gc.jsonl"), sampled, at((s) => ({ count: s % 5, major: s % 2, pauseMs: (s % 5) * 0.7, maxPauseMs: 0.7, intervalMs: 1000 })));
  await writeLines(join(logs, "load.jsonl"), sampled, at((s) => ({ load1: 1 + (s % 10) / 10, load5: 1, load15: 1 })));
  await writeLines(join(logs, "bytes.jsonl"), sampled, at((s) => ({ heapUsed: 5e7 + s })));
  await writeLines(join(logs, "freeMemory.jsonl"), sampled, at(() => ({ freeFraction: 0.5, freeBytes: 8e9, totalBytes: 16e9 })));
  await writeLines(join(logs, "spans.jsonl"), Math.floor(records / 10), (i) => {
    const s = i * 10;
    return { category: "batch", id: s, start: ts(s), startMonotonic: s * 10, durationMs: 80, startSequenceNumber: s, sequenceNumber: s + 8 };
  });
  await writeLines(join(logs, "core.jsonl"), records, (i) => ({ timestamp: ts(i), category: "log", kind: "point", sequenceNumber: i }));
  await writeFile(
    join(dir, "runs.jsonl"),
    `${JSON.stringify({ runId: "bench", status: "RUNNING", startedAt: ts(0), firstSequenceNumber: 0, pid: process.pid, hostname: "bench" })}\n`,
  );
}
