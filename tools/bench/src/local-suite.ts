import type { BenchConfig } from "./config.js";
import { num, range, rotate, table } from "./format.js";
import type { LocalCaseResult } from "./local-case.js";
import { LOCAL_VARIANT_NAMES } from "./local-variants.js";
import { runCaseTimed } from "./spawn-case.js";
import { spreadOf, type Spread } from "./stats.js";

export const DASHLOG_LOCAL = LOCAL_VARIANT_NAMES[0] as string;

export interface LocalRow {
  readonly variant: string;
  readonly callerNs: Spread;
  readonly endToEndNs: Spread;
  readonly recordsPerSecond: Spread;
  readonly closeMs: Spread;
  readonly bytesPerRecord: number;
  readonly cpuMs: Spread;
  readonly maxRssMiB: Spread;
  /** From spawning the case's process until it exited. */
  readonly processWallMs: Spread;
}

export interface LocalRatio {
  readonly against: string;
  /** dashlog's figure divided by the other's, per round: below 1 means dashlog costs less. */
  readonly caller: Spread;
  readonly endToEnd: Spread;
  /** The same ratios for CPU time (first call to closed and fsynced), peak RSS and the whole process's wall time. */
  readonly cpu: Spread;
  readonly rss: Spread;
  readonly processWall: Spread;
}

export interface LocalSuiteResult {
  /** dashlog ÷ the cheapest pino writer of the same round, caller-side and end to end (target: ≤ 1). */
  readonly vsBestPino: LocalRatio;
  readonly records: number;
  readonly rounds: number;
  readonly burst: number;
  readonly rows: readonly LocalRow[];
  readonly ratios: readonly LocalRatio[];
  readonly raw: readonly (readonly (LocalCaseResult & { readonly processWallMs: number })[])[];
}

/** Every local writer once per round, each in its own process, in a rotating order. */
export async function localSuite(config: BenchConfig, progress: (text: string) => void): Promise<LocalSuiteResult> {
  const names = LOCAL_VARIANT_NAMES.filter(
    (name) => name === DASHLOG_LOCAL || config.localVariants.length === 0 || config.localVariants.some((s) => name.includes(s)),
  );
  const raw: (LocalCaseResult & { processWallMs: number })[][] = [];
  for (let round = 0; round < config.localRounds; round++) {
    const results: (LocalCaseResult & { processWallMs: number })[] = [];
    for (const variant of rotate(names, round)) {
      const timed = await runCaseTimed<LocalCaseResult>("local", { variant, records: config.localRecords, burst: config.burst });
      const result = { ...timed.result, processWallMs: timed.processWallMs };
      progress(`local round ${round + 1}/${config.localRounds}: ${variant}: ${num(result.callerNsPerRecord)} ns/record caller, ${num(result.recordsPerSecond)} records/s end to end`);
      results.push(result);
    }
    raw.push(results);
  }
  type Result = LocalCaseResult & { processWallMs: number };
  const of = (variant: string) => raw.map((round) => round.find((r) => r.variant === variant) as Result);
  const rows = names.map((variant): LocalRow => {
    const results = of(variant);
    return {
      variant,
      callerNs: spreadOf(results.map((r) => r.callerNsPerRecord)),
      endToEndNs: spreadOf(results.map((r) => (r.endToEndMs * 1e6) / r.records)),
      recordsPerSecond: spreadOf(results.map((r) => r.recordsPerSecond)),
      closeMs: spreadOf(results.map((r) => r.closeMs)),
      bytesPerRecord: (results[0]?.bytes ?? 0) / config.localRecords,
      cpuMs: spreadOf(results.map((r) => r.cpuMs)),
      maxRssMiB: spreadOf(results.map((r) => r.maxRssBytes / 2 ** 20)),
      processWallMs: spreadOf(results.map((r) => r.processWallMs)),
    };
  });
  const dashlog = of(DASHLOG_LOCAL);
  const ratios = names.filter((v) => v !== DASHLOG_LOCAL).map((against): LocalRatio => {
    const other = of(against);
    return {
      against,
      caller: spreadOf(dashlog.map((d, i) => d.callerNsPerRecord / (other[i] as LocalCaseResult).callerNsPerRecord)),
      endToEnd: spreadOf(dashlog.map((d, i) => d.endToEndMs / (other[i] as Result).endToEndMs)),
      cpu: spreadOf(dashlog.map((d, i) => d.cpuMs / (other[i] as Result).cpuMs)),
      rss: spreadOf(dashlog.map((d, i) => d.maxRssBytes / (other[i] as Result).maxRssBytes)),
      processWall: spreadOf(dashlog.map((d, i) => d.processWallMs / (other[i] as Result).processWallMs)),
    };
  });
  const pinos = names.filter((n) => n.startsWith("pino"));
  const cheapest = (round: readonly Result[], metric: (r: Result) => number) =>
    Math.min(...round.filter((r) => pinos.includes(r.variant)).map(metric));
  const vsBest = (metric: (r: Result) => number) => spreadOf(raw.map((round, i) => metric(dashlog[i] as Result) / cheapest(round, metric)));
  const vsBestPino: LocalRatio = {
    against: `the cheapest of ${pinos.length} pino writers in each round`,
    caller: vsBest((r) => r.callerNsPerRecord),
    endToEnd: vsBest((r) => r.endToEndMs),
    cpu: vsBest((r) => r.cpuMs),
    rss: vsBest((r) => r.maxRssBytes),
    processWall: vsBest((r) => r.processWallMs),
  };
  return { vsBestPino, records: config.localRecords, rounds: config.localRounds, burst: config.burst, rows, ratios, raw };
}

export function formatLocal(result: LocalSuiteResult): string {
  return [
    `${num(result.records)} records per writer and round, ${result.rounds} rounds, each writer in its own process; ${result.burst >= result.records ? "a tight loop (no yields to the event loop)" : `bursts of ${num(result.burst)} calls between yields to the event loop`}. Figures: median of the rounds (min–max).`,
    "",
    table(
      ["writer", "caller ns/record", "end-to-end ns/record", "end-to-end records/s", "close + fsync ms", "CPU ms", "peak RSS MiB", "whole process ms", "bytes/record"],
      result.rows.map((r) => [
        r.variant,
        range(r.callerNs),
        range(r.endToEndNs),
        range(r.recordsPerSecond),
        num(r.closeMs.median),
        range(r.cpuMs),
        range(r.maxRssMiB),
        range(r.processWallMs),
        num(r.bytesPerRecord),
      ]),
    ),
    "",
    "dashlog ÷ the other writer, computed within each round (below 1: dashlog costs less):",
    "",
    table(
      ["against", "caller-side ratio", "end-to-end ratio", "CPU ratio", "peak RSS ratio", "whole-process ratio"],
      [...result.ratios, ...(Number.isFinite(result.vsBestPino.caller.median) ? [result.vsBestPino] : [])].map((r) => [
        r.against,
        range(r.caller, 2),
        range(r.endToEnd, 2),
        range(r.cpu, 2),
        range(r.rss, 2),
        range(r.processWall, 2),
      ]),
    ),
  ].join("\n");
}
