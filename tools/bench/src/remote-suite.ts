import type { BenchConfig } from "./config.js";
import { num, range, table } from "./format.js";
import { startMongoTarget } from "./mongo-server-handle.js";
import type { RemoteCaseResult } from "./remote-options.js";
import { runCase } from "./spawn-case.js";
import { spreadOf, type Spread } from "./stats.js";

const VARIANTS = [
  ["mongoSink", "remote-sink"],
  ["raw insertMany", "remote-raw"],
] as const;

export interface RemoteSuiteResult {
  readonly server: string;
  readonly records: number;
  readonly batchSize: number;
  readonly rounds: number;
  readonly sink: Spread;
  readonly raw: Spread;
  /** raw records/s ÷ sink records/s per round: how many times longer the sink takes (target ≤ 1.2). */
  readonly slowdown: Spread;
  readonly sinkStats: readonly (Readonly<Record<string, number>> | undefined)[];
}

/** Per round: a fresh server (the test server; or MONGODB_URI), then the sink and the raw driver, in alternating order, each in its own process and database. */
export async function remoteSuite(config: BenchConfig, progress: (text: string) => void): Promise<RemoteSuiteResult> {
  const results: { sink: RemoteCaseResult; raw: RemoteCaseResult }[] = [];
  let server = "";
  for (let round = 0; round < config.remoteRounds; round++) {
    const target = await startMongoTarget();
    server = target.description;
    try {
      const byName: Record<string, RemoteCaseResult> = {};
      const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
      for (const [label, name] of order) {
        const result = await runCase<RemoteCaseResult>(name, {
          uri: target.uri,
          database: `dashlog_bench_${process.pid}_${round}_${name.replace("remote-", "")}`,
          records: config.remoteRecords,
          batchSize: config.remoteBatchSize,
          burst: config.burst,
        });
        progress(`remote round ${round + 1}/${config.remoteRounds}: ${label}: ${num(result.recordsPerSecond)} records/s`);
        byName[label] = result;
      }
      results.push({ sink: byName["mongoSink"] as RemoteCaseResult, raw: byName["raw insertMany"] as RemoteCaseResult });
    } finally {
      await target.stop();
    }
  }
  return {
    server,
    records: config.remoteRecords,
    batchSize: config.remoteBatchSize,
    rounds: config.remoteRounds,
    sink: spreadOf(results.map((r) => r.sink.recordsPerSecond)),
    raw: spreadOf(results.map((r) => r.raw.recordsPerSecond)),
    slowdown: spreadOf(results.map((r) => r.raw.recordsPerSecond / r.sink.recordsPerSecond)),
    sinkStats: results.map((r) => r.sink.stats),
  };
}

export function formatRemote(result: RemoteSuiteResult): string {
  return [
    `${num(result.records)} records per client and round, batches of ${num(result.batchSize)}, ${result.rounds} rounds against ${result.server}; a fresh server per round, each client in its own process and database.`,
    "",
    table(
      ["client", "records/s: median (min–max)"],
      [
        ["mongoSink (exp.log until complete(): all in MongoDB)", range(result.sink)],
        ["raw driver insertMany (same documents, same indexes)", range(result.raw)],
      ],
    ),
    "",
    `Sink time ÷ raw time, per round: ${range(result.slowdown, 2)} (target ≤ 1.2).`,
    "",
    `Sink stats per round: ${result.sinkStats.map((s) => JSON.stringify(s)).join("; ")}`,
  ].join("\n");
}
