import type { BenchConfig } from "./config.js";
import type { ConsumersProcessCaseResult } from "./consumers-process-case.js";
import { mib, num, range, table } from "./format.js";
import { runCaseTimed } from "./spawn-case.js";
import { spreadOf, type Spread } from "./stats.js";

/** A span around every this many records, as in issue 16's measurement. */
export const SPAN_EVERY = 100;

type Setup = ConsumersProcessCaseResult["setup"];

export interface ConsumersRound {
  readonly none: ConsumersProcessCaseResult & { readonly processWallMs: number };
  readonly all: ConsumersProcessCaseResult & { readonly processWallMs: number };
}

export interface ConsumersSuiteResult {
  readonly records: number;
  readonly rounds: readonly ConsumersRound[];
  /** all ÷ none, per round (targets: wall ≤ 1.5, bytes ≤ 2). */
  readonly wall: Spread;
  readonly processWall: Spread;
  readonly cpu: Spread;
  readonly processCpu: Spread;
  readonly rss: Spread;
  readonly bytes: Spread;
}

/** Pairs of runs, none then all or all then none in turn, each in its own process. */
export async function consumersSuite(config: BenchConfig, progress: (text: string) => void): Promise<ConsumersSuiteResult> {
  const rounds: ConsumersRound[] = [];
  for (let round = 0; round < config.consumersRounds; round++) {
    const order: Setup[] = round % 2 === 0 ? ["none", "all"] : ["all", "none"];
    const got: Partial<Record<Setup, ConsumersRound["none"]>> = {};
    for (const setup of order) {
      const { result, processWallMs } = await runCaseTimed<ConsumersProcessCaseResult>("consumers-process", {
        setup,
        records: config.consumersRecords,
        spanEvery: SPAN_EVERY,
      });
      got[setup] = { ...result, processWallMs };
      progress(`consumers round ${round + 1}/${config.consumersRounds}: ${setup}: ${num(result.wallMs)} ms, ${mib(result.totalBytes)} on disk`);
    }
    rounds.push({ none: got.none as ConsumersRound["none"], all: got.all as ConsumersRound["all"] });
  }
  const ratio = (f: (r: ConsumersRound["none"]) => number) => spreadOf(rounds.map((r) => f(r.all) / f(r.none)));
  return {
    records: config.consumersRecords,
    rounds,
    wall: ratio((r) => r.wallMs),
    processWall: ratio((r) => r.processWallMs),
    cpu: ratio((r) => r.cpuMs),
    processCpu: ratio((r) => r.cpuTotalMs),
    rss: ratio((r) => r.maxRssBytes),
    bytes: ratio((r) => r.totalBytes),
  };
}

export function formatConsumers(result: ConsumersSuiteResult): string {
  const of = (setup: Setup, f: (r: ConsumersRound["none"]) => number) => spreadOf(result.rounds.map((r) => f(r[setup])));
  const last = result.rounds.at(-1)?.all;
  const streams = Object.entries(last?.bytes ?? {}).sort(([, a], [, b]) => b - a);
  return [
    `${num(result.records)} \`exp.log\` records in a tight loop (no yields), a span every ${SPAN_EVERY} records, to local JSONL; "all": every built-in consumer at its defaults and a \`logWindow({ windowMs: 60_000 })\`. ${result.rounds.length} pairs, alternating which runs first, each run in its own process. Median (min–max).`,
    "",
    table(
      ["", "no consumers", "every built-in consumer", "all ÷ none (per pair)"],
      [
        ["in process: first call to `complete()`, ms", range(of("none", (r) => r.wallMs)), range(of("all", (r) => r.wallMs)), range(result.wall, 2)],
        ["whole process (spawn to exit), ms", range(of("none", (r) => r.processWallMs)), range(of("all", (r) => r.processWallMs)), range(result.processWall, 2)],
        ["CPU in process, ms", range(of("none", (r) => r.cpuMs)), range(of("all", (r) => r.cpuMs)), range(result.cpu, 2)],
        ["CPU whole process, ms", range(of("none", (r) => r.cpuTotalMs)), range(of("all", (r) => r.cpuTotalMs)), range(result.processCpu, 2)],
        ["peak RSS, MiB", range(of("none", (r) => r.maxRssBytes / 2 ** 20)), range(of("all", (r) => r.maxRssBytes / 2 ** 20)), range(result.rss, 2)],
        ["bytes on disk, MiB", range(of("none", (r) => r.totalBytes / 2 ** 20), 1), range(of("all", (r) => r.totalBytes / 2 ** 20), 1), range(result.bytes, 2)],
      ],
    ),
    "",
    `Bytes per stream in the last "all" run: ${streams.map(([name, bytes]) => `${name} ${bytes >= 2 ** 20 ? mib(bytes) : `${num(bytes)} B`}`).join(", ")}.`,
  ].join("\n");
}
