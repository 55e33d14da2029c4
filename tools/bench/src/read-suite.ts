import type { BenchConfig } from "./config.js";
import { num, range, table } from "./format.js";
import { startMongoTarget } from "./mongo-server-handle.js";
import type { ReadCaseResult } from "./read-case.js";
import { runCase } from "./spawn-case.js";
import { spreadOf, type Spread } from "./stats.js";

export interface ReadSuiteResult {
  readonly server: string;
  readonly records: number;
  readonly rounds: readonly { readonly local: ReadCaseResult; readonly mongo: ReadCaseResult }[];
  /** MongoDB reader records/s ÷ local reader records/s, per round (target ≥ 0.5). */
  readonly mongoVsLocal: Spread;
}

/** Per round, the local and the MongoDB reader in turn (alternating which goes first), each in its own process. */
export async function readSuite(config: BenchConfig, progress: (text: string) => void): Promise<ReadSuiteResult> {
  const rounds: { local: ReadCaseResult; mongo: ReadCaseResult }[] = [];
  let server = "";
  for (let round = 0; round < config.readRounds; round++) {
    const target = await startMongoTarget();
    server = target.description;
    try {
      const got: Partial<Record<"local" | "mongo", ReadCaseResult>> = {};
      for (const source of round % 2 === 0 ? (["local", "mongo"] as const) : (["mongo", "local"] as const)) {
        got[source] = await runCase<ReadCaseResult>("read", {
          source,
          records: config.readRecords,
          uri: target.uri,
          database: `dashlog_bench_read_${round}`,
        });
        progress(`read round ${round + 1}/${config.readRounds}: ${source}: ${num(got[source]?.recordsPerSecond ?? 0)} records/s`);
      }
      rounds.push({ local: got.local as ReadCaseResult, mongo: got.mongo as ReadCaseResult });
    } finally {
      await target.stop();
    }
  }
  return { server, records: config.readRecords, rounds, mongoVsLocal: spreadOf(rounds.map((r) => r.mongo.recordsPerSecond / r.local.recordsPerSecond)) };
}

export function formatRead(result: ReadSuiteResult): string {
  const of = (source: "local" | "mongo", f: (r: ReadCaseResult) => number) => spreadOf(result.rounds.map((r) => f(r[source])));
  return [
    `Reading back every record of a ${num(result.records)}-record \`logs\` stream with the package's reader (\`jsonlReader().read\` / \`mongoReader().read\`), from ${result.server}; ${result.rounds.length} rounds. Median (min–max).`,
    "",
    table(
      ["reader", "records/s", "read ms", "CPU ms (reader process)"],
      (["local", "mongo"] as const).map((s) => [s === "local" ? "local JSONL" : "MongoDB", range(of(s, (r) => r.recordsPerSecond)), range(of(s, (r) => r.readMs)), range(of(s, (r) => r.readCpuMs))]),
    ),
    "",
    `MongoDB ÷ local records/s, per round: **${range(result.mongoVsLocal, 2)}**.`,
  ].join("\n");
}
