import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { coreMetrics, logWindow } from "@dashlog/events";
import { localJsonl } from "@dashlog/local-jsonl";
import { MESSAGE, metadataFor } from "./local-record.js";
import { slope } from "./stats.js";
import { yieldToLoop } from "./yield-to-loop.js";

export interface MemoryCaseOptions {
  readonly records: number;
  /** Take a sample (after a full GC) every this many records. */
  readonly sampleEvery: number;
  readonly windowMs: number;
  readonly burst: number;
}

export interface MemorySample {
  readonly records: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

export interface MemoryCaseResult {
  readonly records: number;
  readonly samples: readonly MemorySample[];
  /** The growth is fitted from this many records on (the first million, or half a shorter run), after warm-up. */
  readonly steadyFrom: number;
  /** Least-squares slope over the samples from `steadyFrom` on (bytes per million records). */
  readonly rssGrowthPerMillion: number;
  readonly heapGrowthPerMillion: number;
  readonly elapsedMs: number;
  /** Entries the logs stream held at the end (bounded by the window and `retain`). */
  readonly logsStreamLength: number;
  readonly written: number;
}

/**
 * Logs `records` records through a run with a dense `coreMetrics` and a `logWindow` aggregator to
 * local JSONL (fsync "never": the file is thrown away), sampling RSS and heap after
 * `gc()` (needs `--expose-gc`).
 */
export async function runMemoryCase(options: MemoryCaseOptions): Promise<MemoryCaseResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") throw new Error("the memory case needs node --expose-gc");
  const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-memory-"));
  try {
    const experiment = new Experiment({
      prefix: "bench/memory",
      sink: localJsonl({ root: dir, fsync: "never" }),
      // Dense: a second record per event, as this case has measured since issue 8 (plain
      // coreMetrics() leaves log events out since issue 16).
      consumers: { core: coreMetrics({ dense: true }) },
      aggregators: { window: logWindow({ windowMs: options.windowMs }) },
    });
    const exp = await experiment.start();
    const samples: MemorySample[] = [];
    const sample = async (records: number) => {
      await exp.flush();
      gc();
      gc();
      const m = process.memoryUsage();
      samples.push({ records, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
    };
    const start = performance.now();
    await sample(0);
    for (let i = 0; i < options.records; ) {
      const end = Math.min(options.records, i + options.burst);
      for (; i < end; i++) exp.log(MESSAGE, { metadata: metadataFor(i) });
      await yieldToLoop();
      if (i % options.sampleEvery === 0) await sample(i);
    }
    const logsStreamLength = exp.events.stream("logs")?.length ?? 0;
    const summary = await exp.complete();
    const elapsedMs = performance.now() - start;
    if (summary.written !== options.records * 2 || summary.dropped > 0) {
      throw new Error(`memory case lost records: ${JSON.stringify(summary)}`);
    }
    const steadyFrom = Math.max(options.sampleEvery, Math.min(1_000_000, options.records / 2));
    const steady = samples.filter((s) => s.records >= steadyFrom);
    const xs = steady.map((s) => s.records / 1e6);
    return {
      records: options.records,
      samples,
      steadyFrom,
      rssGrowthPerMillion: slope(xs, steady.map((s) => s.rss)),
      heapGrowthPerMillion: slope(xs, steady.map((s) => s.heapUsed)),
      elapsedMs,
      logsStreamLength,
      written: summary.written,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
