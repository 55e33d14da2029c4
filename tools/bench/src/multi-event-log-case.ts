// The method of consumers-bench.ts (the per-consumer table), on the same event mix
// (event-mix.ts), reduced to the rows issue 8 asks for: 0, 1, 4 and all built-in consumers.
import { logRecords } from "@dashlog/core";
import { coreMetrics, eventSaturation, idMetrics, logWindow, spanDurations } from "@dashlog/events";
import { Bench } from "tinybench";
import { ALL_BUILT_IN, BATCH, emitter, setupLog, type Setup } from "./event-mix.js";
import { spreadOf, type Spread } from "./stats.js";

export interface MultiEventLogCaseOptions {
  readonly rounds: number;
  /** Milliseconds each row runs per round. */
  readonly timeMs: number;
}

export interface MultiEventLogRow {
  readonly name: string;
  readonly consumers: number;
  /** Median batch time / batch size, per round. */
  readonly nsPerEvent: Spread;
  /** The lowest round median: the figure least disturbed by other work. */
  readonly bestNsPerEvent: number;
}

export const MULTI_EVENT_LOG_SETUPS: readonly (readonly [string, Setup])[] = [
  ["0 consumers (empty MultiEventLog)", { consumers: {} }],
  ["1: coreMetrics", { consumers: { core: coreMetrics } }],
  ["1: logs (the record every run stores)", { consumers: { logs: logRecords } }],
  ["4: core, ids, saturation, spans", { consumers: { core: coreMetrics, ids: idMetrics, saturation: eventSaturation, spans: spanDurations } }],
  [`all ${Object.keys(ALL_BUILT_IN).length} built-in (defaults)`, { consumers: ALL_BUILT_IN }],
  [`all ${Object.keys(ALL_BUILT_IN).length} + logWindow(60 s)`, { consumers: ALL_BUILT_IN, aggregators: { window: () => logWindow({ windowMs: 60_000 }) } }],
  ["0 consumers (again, for drift)", { consumers: {} }],
];

/** Per-event cost of a MultiEventLog with 0, 1, 4 and all built-in consumers. */
export async function runMultiEventLogCase(options: MultiEventLogCaseOptions): Promise<MultiEventLogRow[]> {
  const logs = MULTI_EVENT_LOG_SETUPS.map(([name, setup]) => {
    const log = setupLog(name, setup);
    return { name, consumers: Object.keys(setup.consumers).length, emit: emitter(log), log };
  });
  const samples = new Map<string, number[]>();
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({ time: options.timeMs, warmupTime: Math.min(100, options.timeMs) });
    for (const { name, emit } of logs) bench.add(name, emit);
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
      const list = samples.get(task.name) ?? [];
      list.push((result.latency.p50 * 1e6) / BATCH);
      samples.set(task.name, list);
    }
  }
  for (const { log } of logs) log.close();
  return logs.map(({ name, consumers }) => {
    const values = samples.get(name) ?? [];
    return { name, consumers, nsPerEvent: spreadOf(values), bestNsPerEvent: Math.min(...values) };
  });
}
