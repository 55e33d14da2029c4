// The workload both MultiEventLog benchmarks share: the per-consumer table
// (consumers-bench.ts) and the 0, 1, 4 and all-consumer rows of `pnpm bench`
// (multi-event-log-case.ts).
import { MultiEventLog, type Aggregator, type Consumer, type Event, type EventKind } from "@dashlog/core";
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
  memoryUsage,
  payloadMetrics,
  spanDurations,
} from "@dashlog/events";
import { pino } from "pino";

/** Events per benchmark iteration, so the timer's own cost is spread over many events. */
export const BATCH = 1000;
/** A run's default `retain`: streams evict beyond it, as in a real run. */
export const RETAIN = 10_000;

export interface Setup {
  readonly consumers: Readonly<Record<string, () => Consumer>>;
  readonly aggregators?: Readonly<Record<string, () => Aggregator>>;
}

/** A debug logger whose level is off: what `debugSaturation()` costs when nothing prints. */
export const silentLogger = pino({ level: "info" }, { write: () => undefined });

/** Every built-in consumer with its defaults, by stream name. */
export const ALL_BUILT_IN: Readonly<Record<string, () => Consumer>> = {
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

/** A MultiEventLog with `setup`'s consumers and aggregators; any issue fails the benchmark. */
export function setupLog(name: string, setup: Setup): MultiEventLog {
  const log = new MultiEventLog({ maxStreamLength: RETAIN });
  for (const [stream, make] of Object.entries(setup.consumers)) log.set(stream, make());
  for (const [aggregator, make] of Object.entries(setup.aggregators ?? {})) log.setAggregator(aggregator, make());
  log.issues.on((issue) => {
    throw new Error(`benchmark setup ${name}: ${issue.message}`);
  });
  return log;
}

const CATEGORIES = ["epoch", "io", "step"] as const;

/** Emits a batch per call, a repeating mix: span start, a log with a payload, span finish, a plain log. */
export function emitter(log: MultiEventLog): () => void {
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
