import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileLines, fsyncFile } from "./file-lines.js";
import { cpuMsSince, processFigures, type ProcessFigures } from "./process-figures.js";
import { LOCAL_VARIANTS } from "./local-variants.js";
import { yieldToLoop } from "./yield-to-loop.js";

export interface LocalCaseOptions {
  readonly variant: string;
  readonly records: number;
  /** Records logged between two yields to the event loop. */
  readonly burst: number;
}

export interface LocalCaseResult extends ProcessFigures {
  readonly variant: string;
  readonly records: number;
  /** Time spent inside the logging calls, per record. */
  readonly callerNsPerRecord: number;
  /** From the first call until every record is in the file, closed and fsynced. */
  readonly endToEndMs: number;
  readonly recordsPerSecond: number;
  /** Of endToEndMs: from the last call until closed and fsynced. */
  readonly closeMs: number;
  readonly bytes: number;
  /** CPU time (user + system, every thread) from the first call until closed and fsynced. */
  readonly cpuMs: number;
}

/**
 * Logs `records` records in bursts, yielding to the event loop between bursts (so a
 * logger's background work runs where it would in a real program, and is counted in the
 * end-to-end time but not in the caller's time), then closes the writer and fsyncs.
 */
export async function runLocalCase(options: LocalCaseOptions): Promise<LocalCaseResult> {
  const factory = LOCAL_VARIANTS[options.variant];
  if (factory === undefined) throw new Error(`unknown local variant ${JSON.stringify(options.variant)}`);
  const dir = mkdtempSync(join(tmpdir(), "dashlog-bench-local-"));
  try {
    const writer = await factory(dir);
    const n = options.records;
    let caller = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + options.burst);
      const t0 = performance.now();
      for (; i < end; i++) writer.log(i);
      caller += performance.now() - t0;
      await yieldToLoop();
    }
    const logged = performance.now();
    await writer.close();
    if (!writer.fsyncsOnClose) fsyncFile(writer.file);
    const done = performance.now();
    const cpuMs = cpuMsSince(cpu0);
    const file = fileLines(writer.file);
    if (file.lines !== n) throw new Error(`${options.variant}: ${file.lines} lines in ${writer.file}, expected ${n}`);
    const first = JSON.parse(file.firstLine) as { metadata?: { step?: unknown } };
    if (first.metadata?.step !== 0) throw new Error(`${options.variant}: unexpected first line ${file.firstLine}`);
    return {
      variant: options.variant,
      records: n,
      callerNsPerRecord: (caller * 1e6) / n,
      endToEndMs: done - start,
      recordsPerSecond: n / ((done - start) / 1000),
      closeMs: done - logged,
      bytes: file.bytes,
      cpuMs,
      ...processFigures(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
