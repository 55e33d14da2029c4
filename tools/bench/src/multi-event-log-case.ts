// The same method as packages/events/bench/consumers.bench.ts (batches of 1,000 events of a
// start / log with payload / finish / log mix, streams capped at a run's default retain,
// rows interleaved across rounds), reduced to the rows issue 8 asks for: 0, 1, 4 and all
// built-in consumers. Per-consumer rows live in the events benchmark.
import { MultiEventLog, logRecords, type Aggregator, type Consumer, type Event, type EventKind } from "@dashlog/core";
import {
  bytesAllocated,
  coreMetrics,
  cpuUsage,
  debugSaturation,
  eventLoopDelay,
  eventLoopUtilization,
  eventSaturation,
  freeMemory,
  fullMetrics,
  gcStats,
  idMetrics,
  loadAverage,
  logWindow,
  memoryUsage,
  payloadMetrics,
  spanDurations,
} from "@dashlog/events";
import { pino } from "pino";
import { Bench } from "tinybench";
import { spreadOf, type Spread } from "./stats.js";

const BATCH = 1000;
const RETAIN = 10_000;

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

interface Setup {
  readonly consumers: Readonly<Record<string, () => Consumer>>;
  readonly aggregators?: Readonly<Record<string, () => Aggregator>>;
}

const silentLogger = pino({ level: "info" }, { write: () => undefined });

const ALL: Readonly<Record<string, () => Consumer>> = {
  core: coreMetrics,
  ids: idMetrics,
  payload: payloadMetrics,
  full: fullMetrics,
  saturation: eventSaturation,
  debugSaturation: () => debugSaturation({ logger: silentLogger }),
  spans: spanDurations,
  bytes: bytesAllocated,
  memory: memoryUsage,
  cpu: cpuUsage,
  loadAverage,
  freeMemory,
  eventLoopDelay,
  eventLoopUtilization,
  gc: gcStats,
};

export const MULTI_EVENT_LOG_SETUPS: readonly (readonly [string, Setup])[] = [
  ["0 consumers (empty MultiEventLog)", { consumers: {} }],
  ["1: coreMetrics", { consumers: { core: coreMetrics } }],
  ["1: logs (the record every run stores)", { consumers: { logs: logRecords } }],
  ["4: core, ids, saturation, spans", { consumers: { core: coreMetrics, ids: idMetrics, saturation: eventSaturation, spans: spanDurations } }],
  [`all ${Object.keys(ALL).length} built-in (defaults)`, { consumers: ALL }],
  [`all ${Object.keys(ALL).length} + logWindow(60 s)`, { consumers: ALL, aggregators: { window: () => logWindow({ windowMs: 60_000 }) } }],
  ["0 consumers (again, for drift)", { consumers: {} }],
];

const CATEGORIES = ["epoch", "io", "step"] as const;

function emitter(log: MultiEventLog): () => void {
  let seq = 0;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      const n = seq++;
      const phase = n & 3;
      const kind: EventKind = phase === 0 ? "start" : phase === 2 ? "finish" : "point";
      const event: Event = {
        sequenceNumber: n,
        timestamp: Date.now(),
        monotonic: performance.now(),
        category: kind === "point" ? "log" : (CATEGORIES[(n >> 2) % 3] as string),
        kind,
        id: kind === "point" ? undefined : n >> 2,
        level: "info",
        message: "step done",
        metadata: null,
        payload: phase === 1 ? { loss: 0.25, step: n } : undefined,
      };
      log.emit(event);
    }
  };
}

/** Per-event cost of a MultiEventLog with 0, 1, 4 and all built-in consumers. */
export async function runMultiEventLogCase(options: MultiEventLogCaseOptions): Promise<MultiEventLogRow[]> {
  const logs = MULTI_EVENT_LOG_SETUPS.map(([name, setup]) => {
    const log = new MultiEventLog({ maxStreamLength: RETAIN });
    for (const [stream, make] of Object.entries(setup.consumers)) log.set(stream, make());
    for (const [aggregator, make] of Object.entries(setup.aggregators ?? {})) log.setAggregator(aggregator, make());
    log.issues.on((issue) => {
      throw new Error(`benchmark setup ${name}: ${issue.message}`);
    });
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
