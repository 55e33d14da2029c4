import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment, type Aggregator, type Consumer } from "@dashlog/core";
import { logWindow } from "@dashlog/events";
import { localJsonl } from "@dashlog/local-jsonl";
import { ALL_BUILT_IN } from "./event-mix.js";
import { MESSAGE, metadataFor } from "./local-record.js";
import { cpuMsSince, processFigures, type ProcessFigures } from "./process-figures.js";

export interface ConsumersProcessCaseOptions {
  /** `none`: only the run's own `logs` stream; `all`: every built-in consumer at its defaults and a `logWindow(60 s)`. */
  readonly setup: "none" | "all";
  readonly records: number;
  /** A span (start and finish events) around every this many records. */
  readonly spanEvery: number;
}

export interface ConsumersProcessCaseResult extends ProcessFigures {
  readonly setup: "none" | "all";
  readonly records: number;
  /** Events emitted: the log records plus two per span. */
  readonly events: number;
  /** From the first log call until the run's `complete()` returned (every file written and fsynced). */
  readonly wallMs: number;
  /** CPU time of the same interval. */
  readonly cpuMs: number;
  /** Bytes on disk per stream file. */
  readonly bytes: Readonly<Record<string, number>>;
  readonly totalBytes: number;
}

const PREFIX = "bench/consumers";

/**
 * A training loop in a tight loop (no yields): `exp.log` with the local benchmark's record,
 * and a span around every `spanEvery` records, to local JSONL, with no consumers or with
 * every built-in one at its defaults. Reports the time, CPU, peak RSS and bytes on disk.
 */
export async function runConsumersProcessCase(options: ConsumersProcessCaseOptions): Promise<ConsumersProcessCaseResult> {
  const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-consumers-"));
  try {
    const consumers: Record<string, Consumer> = {};
    const aggregators: Record<string, Aggregator> = {};
    if (options.setup === "all") {
      for (const [name, make] of Object.entries(ALL_BUILT_IN)) consumers[name] = make();
      aggregators["window"] = logWindow({ windowMs: 60_000 });
    }
    const experiment = new Experiment({
      prefix: PREFIX,
      sink: localJsonl({ root: dir }),
      consumers,
      aggregators,
      onIssue: (issue) => {
        throw new Error(`consumers case: ${issue.message}`);
      },
    });
    const exp = await experiment.start();
    const n = options.records;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let span = 0;
    for (let i = 0; i < n; i++) {
      if (i % options.spanEvery === 0) {
        if (i > 0) exp.finish("step", span);
        exp.start("step", ++span);
      }
      exp.log(MESSAGE, { metadata: metadataFor(i) });
    }
    if (n > 0) exp.finish("step", span);
    const summary = await exp.complete();
    const wallMs = performance.now() - t0;
    const cpuMs = cpuMsSince(cpu0);
    if (summary.dropped > 0 || summary.unwritten > 0) throw new Error(`consumers case lost records: ${JSON.stringify(summary)}`);
    const logsDir = join(dir, PREFIX, "logs");
    const bytes: Record<string, number> = {};
    let totalBytes = 0;
    for (const name of readdirSync(logsDir).sort()) {
      if (!name.endsWith(".jsonl")) continue;
      const size = statSync(join(logsDir, name)).size;
      bytes[name.slice(0, -".jsonl".length)] = size;
      totalBytes += size;
    }
    return {
      setup: options.setup,
      records: n,
      events: summary.nextSequenceNumber - summary.firstSequenceNumber,
      wallMs,
      cpuMs,
      bytes,
      totalBytes,
      ...processFigures(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
