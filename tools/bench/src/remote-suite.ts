import type { BenchConfig } from "./config.js";
import { num, range, rotate, table } from "./format.js";
import { startMongoTarget } from "./mongo-server-handle.js";
import type { RemoteCaseResult } from "./remote-options.js";
import { runCase } from "./spawn-case.js";
import { spreadOf, type Spread } from "./stats.js";

interface RemoteVariant {
  readonly label: string;
  readonly kind: "remote-sink" | "remote-raw";
  /**
   * `"records"`: the sink's maxQueueLength as many as the run logs and spillAfterMs longer
   * than the run, so it never spills (a queue that only fits, with the default
   * spillAfterMs, still spilled whenever a record waited 1 s: most rounds did).
   */
  readonly maxQueueLength?: "records";
  /** `insertMany` calls on their way at once (sink: `maxConcurrentInserts`). */
  readonly concurrency?: number;
}

/** The baseline of the target: a plain loop awaiting each `insertMany`. */
const RAW = "raw driver insertMany, one at a time (same documents, batch size and indexes)";
/** The same loop with two calls on their way, as the sink does by default: the like-for-like comparison. */
const RAW_2 = "raw driver insertMany, 2 at a time";

/** Longer than any run here: with it the sink never moves its queue to the spool for age. */
const NEVER_SPILL_MS = 600_000;

const VARIANTS: readonly RemoteVariant[] = [
  { label: "mongoSink, defaults (2 inserts at a time; spills to the spool beyond 100,000 queued or 1 s waited)", kind: "remote-sink" },
  { label: "mongoSink, maxQueueLength ≥ records, spillAfterMs 600 s (never spills)", kind: "remote-sink", maxQueueLength: "records" },
  { label: "mongoSink, maxConcurrentInserts: 1 (one insert at a time)", kind: "remote-sink", concurrency: 1 },
  { label: "mongoSink, maxConcurrentInserts: 1, never spills", kind: "remote-sink", concurrency: 1, maxQueueLength: "records" },
  { label: RAW, kind: "remote-raw" },
  { label: RAW_2, kind: "remote-raw", concurrency: 2 },
];

export interface RemoteRow {
  readonly label: string;
  readonly recordsPerSecond: Spread;
  /** This client's time ÷ the raw driver's one-at-a-time loop, per round (target ≤ 1.2 for the sink). */
  readonly vsRaw: Spread;
  /** This client's time ÷ the raw driver's with 2 calls at a time, per round. */
  readonly vsRaw2: Spread;
  readonly sinkStats: readonly (Readonly<Record<string, number>> | undefined)[];
}

export interface RemoteSuiteResult {
  readonly server: string;
  readonly records: number;
  readonly batchSize: number;
  readonly rounds: number;
  readonly rows: readonly RemoteRow[];
}

/** Per round: a fresh server (the test server; or MONGODB_URI), then each client in a rotating order, each in its own process and database. */
export async function remoteSuite(config: BenchConfig, progress: (text: string) => void): Promise<RemoteSuiteResult> {
  const rounds: Map<string, RemoteCaseResult>[] = [];
  let server = "";
  for (let round = 0; round < config.remoteRounds; round++) {
    const target = await startMongoTarget();
    server = target.description;
    const results = new Map<string, RemoteCaseResult>();
    try {
      for (const [index, variant] of rotate([...VARIANTS.entries()], round)) {
        const result = await runCase<RemoteCaseResult>(variant.kind, {
          uri: target.uri,
          database: `dashlog_bench_${process.pid}_${round}_${index}`,
          records: config.remoteRecords,
          batchSize: config.remoteBatchSize,
          burst: config.burst,
          ...(variant.maxQueueLength === "records" ? { sinkMaxQueueLength: config.remoteRecords, sinkSpillAfterMs: NEVER_SPILL_MS } : {}),
          ...(variant.concurrency === undefined ? {} : { concurrency: variant.concurrency }),
        });
        progress(`remote round ${round + 1}/${config.remoteRounds}: ${variant.label}: ${num(result.recordsPerSecond)} records/s`);
        results.set(variant.label, result);
      }
    } finally {
      await target.stop();
    }
    rounds.push(results);
  }
  const of = (label: string) => rounds.map((r) => r.get(label) as RemoteCaseResult);
  const raw = of(RAW);
  const raw2 = of(RAW_2);
  return {
    server,
    records: config.remoteRecords,
    batchSize: config.remoteBatchSize,
    rounds: config.remoteRounds,
    rows: VARIANTS.map(({ label }) => {
      const results = of(label);
      return {
        label,
        recordsPerSecond: spreadOf(results.map((r) => r.recordsPerSecond)),
        vsRaw: spreadOf(results.map((r, i) => r.elapsedMs / (raw[i] as RemoteCaseResult).elapsedMs)),
        vsRaw2: spreadOf(results.map((r, i) => r.elapsedMs / (raw2[i] as RemoteCaseResult).elapsedMs)),
        sinkStats: results.map((r) => r.stats),
      };
    }),
  };
}

export function formatRemote(result: RemoteSuiteResult): string {
  const sinks = result.rows.filter((r) => r.label !== RAW && r.label !== RAW_2);
  return [
    `${num(result.records)} records per client and round, batches of ${num(result.batchSize)}, ${result.rounds} rounds against ${result.server}; a fresh server per round, each client in its own process and database, in a rotating order. The sink's time runs from the first \`exp.log\` until \`complete()\` returns (every record in MongoDB); the raw driver's from its first document until its last \`insertMany\` returns.`,
    "",
    table(
      ["client", "records/s: median (min–max)", "time ÷ raw, one at a time (per round)", "time ÷ raw, 2 at a time (per round)"],
      result.rows.map((r) => [r.label, range(r.recordsPerSecond), r.label === RAW ? "1" : range(r.vsRaw, 2), r.label === RAW_2 ? "1" : range(r.vsRaw2, 2)]),
    ),
    "",
    ...sinks.map((r) => `- ${r.label}: records replayed from the spool per round ${r.sinkStats.map((s) => num(s?.["replayed"] ?? 0)).join(", ")}; retries ${r.sinkStats.map((s) => num(s?.["retries"] ?? 0)).join(", ")}.`),
  ].join("\n");
}
