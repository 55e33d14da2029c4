import { closeSync, existsSync, openSync, readSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";
import { quantile } from "./stats.js";
import { wallClockMs } from "./wall-clock.js";

export interface LatencyReaderOptions {
  readonly file: string;
  readonly records: number;
  /** Poll the file this often as well as on change notifications. */
  readonly pollMs: number;
  /** Give up after this long. */
  readonly timeoutMs: number;
}

export interface LatencyResult {
  readonly records: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * Follows a file from another process: on every change notification (inotify through
 * `fs.watch`) and every `pollMs`, reads what was appended, and for each complete line takes
 * `now - metadata.sentAt`, the time from the log call to the record being readable.
 */
export async function runLatencyReader(options: LatencyReaderOptions, ready: () => void): Promise<LatencyResult> {
  const latencies: number[] = [];
  let fd: number | null = null;
  let offset = 0;
  let partial = "";
  const chunk = Buffer.allocUnsafe(1 << 16);
  let watcher: FSWatcher | null = null;
  const readMore = () => {
    if (fd === null) {
      if (!existsSync(options.file)) return;
      fd = openSync(options.file, "r");
      watcher ??= watch(options.file, readMore);
    }
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, offset);
      if (n === 0) break;
      const now = wallClockMs();
      offset += n;
      const text = partial + chunk.toString("utf8", 0, n);
      const lines = text.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "") continue;
        const sentAt = (JSON.parse(line) as { metadata?: { sentAt?: unknown } }).metadata?.sentAt;
        if (typeof sentAt === "number") latencies.push(now - sentAt);
      }
    }
  };
  const dirWatcher = watch(dirname(options.file), readMore);
  ready();
  const deadline = Date.now() + options.timeoutMs;
  try {
    while (latencies.length < options.records) {
      if (Date.now() > deadline) throw new Error(`latency reader: ${latencies.length} of ${options.records} records after ${options.timeoutMs} ms`);
      readMore();
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  } finally {
    dirWatcher.close();
    (watcher as FSWatcher | null)?.close();
    if (fd !== null) closeSync(fd);
  }
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return {
    records: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    meanMs: mean,
  };
}
