import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BenchConfig } from "./config.js";
import { num, table } from "./format.js";
import { READER_READY } from "./child-markers.js";
import type { LatencyResult } from "./latency-reader.js";
import { LATENCY_VARIANTS, latencyFile } from "./latency-writer.js";
import { runCase, startCase } from "./spawn-case.js";

export interface LatencyRow extends LatencyResult {
  readonly variant: string;
}

const INTERVAL_MS = 4;
const JITTER_MS = 3;

/** For each variant: a reader process follows the file, then a writer process logs one record every 4–7 ms. */
export async function latencySuite(config: BenchConfig, progress: (text: string) => void): Promise<LatencyRow[]> {
  const rows: LatencyRow[] = [];
  for (const variant of LATENCY_VARIANTS) {
    const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-latency-"));
    try {
      const file = latencyFile(variant, dir);
      mkdirSync(dirname(file), { recursive: true });
      let ready: () => void = () => undefined;
      const readerReady = new Promise<void>((resolve) => {
        ready = resolve;
      });
      const reader = startCase<LatencyResult>(
        "latency-reader",
        { file, records: config.latencyRecords, pollMs: 5, timeoutMs: 120_000 },
        { onLine: (line) => line === READER_READY && ready() },
      );
      await Promise.race([readerReady, reader.result]);
      await runCase("latency-writer", { variant, dir, records: config.latencyRecords, intervalMs: INTERVAL_MS, jitterMs: JITTER_MS });
      const result = await reader.result;
      progress(`latency: ${variant}: p50 ${num(result.p50Ms, 1)} ms, p99 ${num(result.p99Ms, 1)} ms`);
      rows.push({ variant, ...result });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function formatLatency(rows: readonly LatencyRow[]): string {
  return [
    `One record every ${INTERVAL_MS}–${INTERVAL_MS + JITTER_MS} ms (random, so records land at every phase of a flush timer), ${num(rows[0]?.records ?? 0)} records per variant. The writer puts \`performance.timeOrigin + performance.now()\` in each record's metadata just before the log call; a reader in another process follows the file (\`fs.watch\`/inotify plus a 5 ms poll), reads what was appended and subtracts that time from its own clock on arrival.`,
    "",
    table(
      ["writer", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms"],
      rows.map((r) => [r.variant, num(r.p50Ms, 1), num(r.p90Ms, 1), num(r.p99Ms, 1), num(r.maxMs, 1), num(r.meanMs, 1)]),
    ),
  ].join("\n");
}
