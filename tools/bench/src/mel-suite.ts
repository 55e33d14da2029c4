import type { BenchConfig } from "./config.js";
import { num, range, table } from "./format.js";
import type { MultiEventLogRow } from "./multi-event-log-case.js";
import { runCase } from "./spawn-case.js";

export interface MelSuiteResult {
  readonly rounds: number;
  readonly timeMs: number;
  readonly rows: readonly MultiEventLogRow[];
}

export async function melSuite(config: BenchConfig): Promise<MelSuiteResult> {
  const rows = await runCase<MultiEventLogRow[]>("multi-event-log", { rounds: config.melRounds, timeMs: config.melTimeMs });
  return { rounds: config.melRounds, timeMs: config.melTimeMs, rows };
}

export function formatMel(result: MelSuiteResult): string {
  const base = result.rows[0]?.bestNsPerEvent ?? Number.NaN;
  return [
    `tinybench, batches of 1,000 events (span start / log with payload / span finish / log), streams capped at 10,000; ${result.rounds} interleaved rounds of ${result.timeMs} ms per row. "best" is the lowest round median (least disturbed), the range is over rounds.`,
    "",
    table(
      ["MultiEventLog with", "best ns/event", "rounds: median (min–max)", "+ns over empty", "× empty"],
      result.rows.map((r) => [r.name, num(r.bestNsPerEvent, 1), range(r.nsPerEvent, 1), num(r.bestNsPerEvent - base, 1), num(r.bestNsPerEvent / base, 2)]),
    ),
  ].join("\n");
}
