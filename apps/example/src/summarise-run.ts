import { LEVELS, type Level, type LogRecord, type ReadIssue, type RecordReader, type RunStatus } from "@dashlog/core";

export interface RunSummaryReport {
  readonly status: RunStatus;
  readonly records: number;
  readonly byLevel: Readonly<Record<Level, number>>;
  readonly firstSequenceNumber: number | undefined;
  readonly lastSequenceNumber: number | undefined;
  readonly finalTrainLoss: number | undefined;
  readonly problems: readonly string[];
  /** Records per stream, as read back. */
  readonly streams: Readonly<Record<string, number>>;
  readonly issues: readonly ReadIssue[];
}

/** Reads an experiment back through any reader (local JSONL or MongoDB) and condenses it. */
export async function summariseRun(
  reader: RecordReader,
  prefix: string,
  status: RunStatus,
  streamNames: readonly string[],
): Promise<RunSummaryReport> {
  const issues: ReadIssue[] = [];
  const onIssue = (issue: ReadIssue) => issues.push(issue);
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  let records = 0;
  let first: number | undefined;
  let last: number | undefined;
  let finalTrainLoss: number | undefined;
  for await (const record of reader.read(prefix, { onIssue })) {
    const log = record as unknown as LogRecord;
    records++;
    byLevel[log.level]++;
    first ??= log.sequenceNumber;
    last = log.sequenceNumber;
    const loss = log.metadata?.["train_loss"];
    if (typeof loss === "number") finalTrainLoss = loss;
  }
  const problems: string[] = [];
  for await (const record of reader.read(prefix, { level: "warn", onIssue })) {
    const log = record as unknown as LogRecord;
    problems.push(`#${log.sequenceNumber} ${log.level}: ${log.message}`);
  }
  const streams: Record<string, number> = {};
  for (const stream of streamNames) {
    let n = 0;
    for await (const _ of reader.read(prefix, { stream, onIssue })) n++;
    streams[stream] = n;
  }
  return { status, records, byLevel, firstSequenceNumber: first, lastSequenceNumber: last, finalTrainLoss, problems, streams, issues };
}

export function formatSummary(prefix: string, where: string, report: RunSummaryReport): string {
  const levels = LEVELS.map((l) => `${l} ${report.byLevel[l]}`).join(", ");
  const streams = Object.entries(report.streams).map(([name, n]) => `${name} (${n})`).join(", ");
  return [
    `Experiment ${prefix}: ${report.status}`,
    `  stored in ${where}`,
    `  ${report.records} log records (#${report.firstSequenceNumber ?? "-"} to #${report.lastSequenceNumber ?? "-"}): ${levels}`,
    `  final train_loss: ${report.finalTrainLoss ?? "n/a"}`,
    `  streams: ${streams}`,
    `  warnings and errors:`,
    ...report.problems.map((p) => `    ${p}`),
    ...(report.issues.length > 0 ? [`  unreadable records: ${report.issues.length}`] : []),
  ].join("\n");
}
