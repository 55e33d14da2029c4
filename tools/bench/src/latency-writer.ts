import { once } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { pino } from "pino";
import { MESSAGE } from "./local-record.js";
import { wallClockMs } from "./wall-clock.js";

export interface LatencyWriterOptions {
  readonly variant: string;
  readonly dir: string;
  readonly records: number;
  /** Pause between two records: `intervalMs` plus up to `jitterMs` at random, so records fall at every phase of a flush timer. */
  readonly intervalMs: number;
  readonly jitterMs: number;
}

interface Writer {
  log(i: number, sentAt: number): void;
  close(): Promise<void>;
}

/** Where each latency variant writes, so the reader can follow it before the writer starts. */
export function latencyFile(variant: string, dir: string): string {
  return variant.startsWith("pino") ? join(dir, "pino.log") : join(dir, "bench", "latency", "logs", "logs.jsonl");
}

/** The latency variants: dashlog as shipped, dashlog with a shorter flush interval, and pino's async destination for reference. */
export const LATENCY_VARIANTS: readonly string[] = [
  "dashlog (flushIntervalMs 100, the default)",
  "dashlog (flushIntervalMs 10)",
  "pino async, minLength 0 (reference)",
];

async function open(options: LatencyWriterOptions): Promise<Writer> {
  if (options.variant.startsWith("pino")) {
    const destination = pino.destination({ dest: latencyFile(options.variant, options.dir), sync: false, minLength: 0, mkdir: true });
    await once(destination, "ready");
    const logger = pino({ base: null }, destination);
    return {
      log(i, sentAt) {
        logger.info({ metadata: { sentAt, i }, sequenceNumber: i }, MESSAGE);
      },
      async close() {
        const closed = once(destination, "close");
        destination.end();
        await closed;
      },
    };
  }
  const flushIntervalMs = options.variant.includes("flushIntervalMs 10)") ? 10 : 100;
  const exp = await new Experiment({ prefix: "bench/latency", sink: localJsonl({ root: options.dir }), flushIntervalMs }).start();
  return {
    log(i, sentAt) {
      exp.log(MESSAGE, { metadata: { sentAt, i } });
    },
    async close() {
      await exp.complete();
    },
  };
}

/** Logs records one at a time with pauses in between, each carrying the wall-clock time just before its log call. */
export async function runLatencyWriter(options: LatencyWriterOptions): Promise<{ records: number }> {
  const writer = await open(options);
  for (let i = 0; i < options.records; i++) {
    writer.log(i, wallClockMs());
    await sleep(options.intervalMs + Math.random() * options.jitterMs);
  }
  await writer.close();
  return { records: options.records };
}
