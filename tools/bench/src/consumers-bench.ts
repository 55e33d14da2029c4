// Per-event cost of each built-in consumer, and of a MultiEventLog with all of them,
// against an empty MultiEventLog, in one process. Run with `pnpm --filter @dashlog/bench consumers`
// (`pnpm bench` runs it too). Not a test: nothing here passes or fails; the numbers are for reading.
import type { Consumer } from "@dashlog/core";
import { cpus, loadavg } from "node:os";
import { pino } from "pino";
import { Bench } from "tinybench";
import { ALL_BUILT_IN, BATCH, RETAIN, emitter, setupLog, silentLogger, type Setup } from "./event-mix.js";
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
  tableStorage,
} from "@dashlog/events";

const TIME_MS = Number(process.env["BENCH_TIME_MS"] ?? 400);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);

const printingDebugLogger = pino({ level: "debug" }, { write: () => undefined });

// The defaults a user gets; the `everyMs: 0` rows show what the original's per-event OS calls cost.
const single: Record<string, () => Consumer> = {
  "coreMetrics()": coreMetrics,
  "coreMetrics({ dense: true })": () => coreMetrics({ dense: true }),
  "idMetrics()": idMetrics,
  "payloadMetrics()": payloadMetrics,
  "fullMetrics()": fullMetrics,
  "eventSaturation()": eventSaturation,
  "debugSaturation() level off": () => debugSaturation({ logger: silentLogger }),
  "debugSaturation() printing": () => debugSaturation({ logger: printingDebugLogger }),
  "spanDurations()": spanDurations,
  "bytesAllocated()": bytesAllocated,
  "memoryUsage()": memoryUsage,
  "memoryUsage({ everyMs: 0 })": () => memoryUsage({ everyMs: 0 }),
  "cpuUsage()": cpuUsage,
  "loadAverage()": loadAverage,
  "loadAverage({ everyMs: 0 })": () => loadAverage({ everyMs: 0 }),
  "freeMemory()": freeMemory,
  "freeMemory({ everyMs: 0 })": () => freeMemory({ everyMs: 0 }),
  "eventLoopDelay()": eventLoopDelay,
  "eventLoopUtilization()": eventLoopUtilization,
  "gcStats()": gcStats,
};

const setups: [string, Setup][] = [
  ["empty MultiEventLog", { consumers: {} }],
  ...Object.entries(single).map(([name, make]): [string, Setup] => [name, { consumers: { s: make } }]),
  ["all of them (defaults)", { consumers: ALL_BUILT_IN }],
  ["all + logWindow(60 s)", { consumers: ALL_BUILT_IN, aggregators: { window: () => logWindow({ windowMs: 60_000 }) } }],
  // A window shorter than the run: entries leave it all the time, so it prunes on most events.
  ["all + logWindow(10 ms), pruning", { consumers: ALL_BUILT_IN, aggregators: { window: () => logWindow({ windowMs: 10 }) } }],
  [
    "all + logWindow(60 s) + tableStorage()",
    { consumers: ALL_BUILT_IN, aggregators: { window: () => logWindow({ windowMs: 60_000, onCreate: tableStorage() }) } },
  ],
  ["empty MultiEventLog (again, for drift)", { consumers: {} }],
];

const logs = setups.map(([name, setup]) => {
  const log = setupLog(name, setup);
  return { name, emit: emitter(log), log };
});

// Other work on a shared machine inflates some samples: each row runs once per round, rounds
// interleave the rows, and a row's figure is its best round's median batch time (the mean,
// which includes the GC cost of what a consumer allocates, is shown beside it).
const best = new Map<string, { median: number; mean: number }>();
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
  for (const { name, emit } of logs) bench.add(name, emit);
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
    const median = (result.latency.p50 * 1e6) / BATCH;
    const mean = (result.latency.mean * 1e6) / BATCH;
    const previous = best.get(task.name);
    best.set(task.name, { median: Math.min(median, previous?.median ?? Number.POSITIVE_INFINITY), mean: Math.min(mean, previous?.mean ?? Number.POSITIVE_INFINITY) });
  }
}
for (const { log } of logs) log.close();

const baseline = best.get(setups[0]?.[0] ?? "")?.median ?? Number.NaN;
console.log(`@dashlog/events consumer benchmark: node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}`);
console.log(`batches of ${BATCH} events (start / log with payload / finish / log), streams capped at ${RETAIN}; best of ${ROUNDS} rounds of ${TIME_MS} ms per row`);
console.log("ns/event: median batch time / batch size; ratio: against the empty MultiEventLog; mean: includes GC pauses\n");
const num = (x: number, digits: number) => x.toFixed(digits).padStart(10);
console.log(`${"setup".padEnd(42)}${"ns/event".padStart(10)}${"+ns".padStart(10)}${"ratio".padStart(10)}${"mean ns".padStart(10)}`);
for (const [name] of setups) {
  const row = best.get(name);
  if (row === undefined) continue;
  console.log(`${name.padEnd(42)}${num(row.median, 1)}${num(row.median - baseline, 1)}${num(row.median / baseline, 2)}${num(row.mean, 1)}`);
}
