// What a metric point costs next to a log record carrying the same values, measured in one
// process with the cases interleaved, so the ratio holds on any machine. Run with
// `pnpm --filter @dashlog/bench metrics` (BENCH_ROUNDS, BENCH_POINTS to change the size).
// Not a test: nothing here passes or fails; the numbers are for reading.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Experiment, type Run, type Sink } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const POINTS = Number(process.env["BENCH_POINTS"] ?? 200_000);
/** Calls between yields to the event loop, so the batch processor writes as it would in a training loop. */
const BURST = 1000;

/** Stores nothing, but says it stores metrics, so points are queued and handed over as they would be. */
function noopSink(): Sink {
  return { write: () => undefined, writeSync: () => undefined, openRun: () => ({ nextSequenceNumber: 0, metrics: { nextIndex: {}, nextParamsIndex: 0, params: {} } }) };
}

type Case = (run: Run, i: number) => void;

const cases: Record<string, Case> = {
  "exp.log(msg, { metadata: { loss, step } })": (run, i) => void run.log("step", { metadata: { loss: 1 / (i + 1), step: i } }),
  'exp.metrics("train").log({ loss, step })': (run, i) => void run.metrics("train").log({ loss: 1 / (i + 1), step: i }),
  "exp.metrics.log({ epoch, train: { loss }, eval: { loss } })": (run, i) => run.metrics.log({ epoch: i, train: { loss: 1 / (i + 1) }, eval: { loss: 2 / (i + 1) } }),
};

/** Caller-side ns per call (time inside the calls only) and end-to-end ns per call (until complete() returns). */
async function measure(fn: Case, sink: Sink): Promise<{ caller: number; total: number }> {
  const run = await new Experiment({ prefix: "bench/metrics", sink }).start();
  let inCalls = 0;
  const start = performance.now();
  for (let i = 0; i < POINTS; i += BURST) {
    const t = performance.now();
    for (let j = i; j < i + BURST; j++) fn(run, j);
    inCalls += performance.now() - t;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await run.complete();
  const total = performance.now() - start;
  return { caller: (inCalls * 1e6) / POINTS, total: (total * 1e6) / POINTS };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const sinks: Record<string, () => { sink: Sink; done: () => void }> = {
  "no-op sink": () => ({ sink: noopSink(), done: () => undefined }),
  localJsonl: () => {
    const root = mkdtempSync(join(tmpdir(), "dashlog-metrics-bench-"));
    return { sink: localJsonl({ root }), done: () => rmSync(root, { recursive: true, force: true }) };
  },
};

console.log(`metric points vs log records: ${POINTS} calls a case, bursts of ${BURST}, ${ROUNDS} rounds interleaved, medians`);
for (const [sinkName, makeSink] of Object.entries(sinks)) {
  const results = new Map<string, { caller: number[]; total: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const { sink, done } = makeSink();
      const r = await measure(fn, sink);
      await sink.close?.();
      done();
      const entry = results.get(name) ?? { caller: [], total: [] };
      entry.caller.push(r.caller);
      entry.total.push(r.total);
      results.set(name, entry);
    }
  }
  const base = results.values().next().value as { caller: number[]; total: number[] };
  console.log(`\n${sinkName}`);
  console.log("case".padEnd(62), "caller ns/call".padStart(15), "ratio".padStart(7), "end-to-end ns/call".padStart(19), "ratio".padStart(7));
  for (const [name, r] of results) {
    const caller = median(r.caller);
    const total = median(r.total);
    console.log(
      name.padEnd(62),
      caller.toFixed(0).padStart(15),
      (caller / median(base.caller)).toFixed(2).padStart(7),
      total.toFixed(0).padStart(19),
      (total / median(base.total)).toFixed(2).padStart(7),
    );
  }
}
