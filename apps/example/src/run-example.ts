import { join } from "node:path";
import { Experiment, LOGS_STREAM, type Consumer, type DashlogIssue, type RecordReader, type Sink } from "@dashlog/core";
import { bytesAllocated, coreMetrics, cpuUsage, logWindow, spanDurations } from "@dashlog/events";
import { jsonlReader, localJsonl } from "@dashlog/local-jsonl";
import { mongoReader, mongoSink, redactUri } from "@dashlog/remote-mongo";
import { simulateTraining } from "./simulated-training.js";
import { formatSummary, summariseRun, type RunSummaryReport } from "./summarise-run.js";

export interface ExampleOptions {
  /** Local root folder (also where the MongoDB sink spools during an outage). */
  readonly root: string;
  /** When set, records go to this MongoDB instead of local JSONL. */
  readonly mongoUri?: string | undefined;
  readonly prefix: string;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly seed: number;
  /** Wait this long after each step (see TrainingOptions.paceMs). */
  readonly paceMs?: number | undefined;
}

export interface ExampleResult {
  readonly report: RunSummaryReport;
  readonly issues: DashlogIssue[];
  /** Records the remote sink could not store (always 0 locally). */
  readonly unwritten: number;
  readonly text: string;
}

/** Runs the simulated training through an Experiment, then reads the records back and summarises them. */
export async function runExample(options: ExampleOptions): Promise<ExampleResult> {
  const issues: DashlogIssue[] = [];
  const consumers: Record<string, Consumer> = {
    core: coreMetrics(),
    bytes: bytesAllocated(),
    // The simulated run lasts a few milliseconds: read CPU time on every event rather than
    // once a second (the default), or its stream would hold nothing (the first reading is
    // only a baseline). A real training run keeps the default.
    cpu: cpuUsage({ everyMs: 0 }),
    spans: spanDurations(),
  };
  const remote = options.mongoUri === undefined ? undefined : mongoSink({ uri: options.mongoUri, spoolDir: join(options.root, ".mongo-spool") });
  const sink: Sink = remote ?? localJsonl({ root: options.root });
  const experiment = new Experiment({
    prefix: options.prefix,
    sink,
    consumers,
    // Keep one minute of every stream in memory for live views; older entries are pruned.
    aggregators: { window: logWindow({ windowMs: 60_000 }) },
    onIssue: (issue) => issues.push(issue),
  });
  const summary = await experiment.run(async (exp) => {
    await simulateTraining(exp, options);
    return exp.complete();
  });
  let unwritten = 0;
  let reader: RecordReader;
  let close = async () => {};
  let where: string;
  if (remote !== undefined && options.mongoUri !== undefined) {
    const report = await remote.closeWithReport();
    unwritten = report.unwritten.records + report.rejected.records;
    const mongo = mongoReader({ uri: options.mongoUri });
    reader = mongo;
    close = () => mongo.close();
    where = `MongoDB ${redactUri(options.mongoUri)}`;
  } else {
    reader = jsonlReader({ root: options.root });
    where = `${join(options.root, options.prefix, "logs")}/*.jsonl`;
  }
  try {
    const report = await summariseRun(reader, options.prefix, summary.status, [LOGS_STREAM, ...Object.keys(consumers)]);
    const text = formatSummary(options.prefix, where, report) + (unwritten > 0 ? `\n  NOT in MongoDB yet: ${unwritten} record(s), kept in ${join(options.root, ".mongo-spool")}` : "");
    return { report, issues, unwritten, text };
  } finally {
    await close();
  }
}
