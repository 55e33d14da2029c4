import { LEVELS, type Level, type LogRecord, type ReadIssue } from "@dashlog/core";
import { jsonlReader, readRuns, runsFile } from "@dashlog/local-jsonl";

export interface RunSummaryReport {
  readonly records: number;
  readonly byLevel: Readonly<Record<Level, number>>;
  readonly firstSequenceNumber: number | undefined;
  readonly lastSequenceNumber: number | undefined;
  readonly finalTrainLoss: number | undefined;
  readonly problems: readonly string[];
  readonly status: string | undefined;
  readonly issues: readonly ReadIssue[];
}

/** Reads an experiment back from local JSONL and condenses it. */
export async function summariseRun(root: string, prefix: string): Promise<RunSummaryReport> {
  const reader = jsonlReader({ root });
  const issues: ReadIssue[] = [];
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  let records = 0;
  let first: number | undefined;
  let last: number | undefined;
  let finalTrainLoss: number | undefined;
  for await (const record of reader.read(prefix, { onIssue: (issue) => issues.push(issue) })) {
    const log = record as unknown as LogRecord;
    records++;
    byLevel[log.level]++;
    first ??= log.sequenceNumber;
    last = log.sequenceNumber;
    const loss = log.metadata?.["train_loss"];
    if (typeof loss === "number") finalTrainLoss = loss;
  }
  const problems: string[] = [];
  for await (const record of reader.read(prefix, { level: "warn" })) {
    const log = record as unknown as LogRecord;
    problems.push(`#${log.sequenceNumber} ${log.level}: ${log.message}`);
  }
  const runs = await readRuns(runsFile(root, prefix));
  return {
    records,
    byLevel,
    firstSequenceNumber: first,
    lastSequenceNumber: last,
    finalTrainLoss,
    problems,
    status: runs.at(-1)?.status,
    issues,
  };
}

export function formatSummary(prefix: string, report: RunSummaryReport, streams: readonly string[]): string {
  const levels = LEVELS.map((l) => `${l} ${report.byLevel[l]}`).join(", ");
  return [
    `Experiment ${prefix}: ${report.status ?? "unknown"}`,
    `  ${report.records} log records (#${report.firstSequenceNumber ?? "-"} to #${report.lastSequenceNumber ?? "-"}): ${levels}`,
    `  final train_loss: ${report.finalTrainLoss ?? "n/a"}`,
    `  streams on disk: ${streams.join(", ")}`,
    `  warnings and errors:`,
    ...report.problems.map((p) => `    ${p}`),
    ...(report.issues.length > 0 ? [`  unreadable lines: ${report.issues.length}`] : []),
  ].join("\n");
}
