import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, type DashlogIssue } from "@dashlog/core";
import { bytesAllocated, coreMetrics, cpuUsage, logWindow, spanDurations } from "@dashlog/events";
import { LOGS_DIR, experimentDir, localJsonl } from "@dashlog/local-jsonl";
import { simulateTraining } from "./simulated-training.js";
import { formatSummary, summariseRun, type RunSummaryReport } from "./summarise-run.js";

export interface ExampleOptions {
  readonly root: string;
  readonly prefix: string;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly seed: number;
}

export interface ExampleResult {
  readonly report: RunSummaryReport;
  readonly streams: string[];
  readonly issues: DashlogIssue[];
  readonly text: string;
}

/** Runs the simulated training through an Experiment, then reads the logs back and summarises them. */
export async function runExample(options: ExampleOptions): Promise<ExampleResult> {
  const issues: DashlogIssue[] = [];
  const experiment = new Experiment({
    prefix: options.prefix,
    sink: localJsonl({ root: options.root }),
    consumers: {
      core: coreMetrics(),
      bytes: bytesAllocated(),
      cpu: cpuUsage(),
      spans: spanDurations(),
    },
    // Keep one minute of every stream in memory for live views; older entries are pruned.
    aggregators: { window: logWindow({ windowMs: 60_000 }) },
    onIssue: (issue) => issues.push(issue),
  });
  await experiment.run((exp) => simulateTraining(exp, options));
  const report = await summariseRun(options.root, options.prefix);
  const files = await readdir(join(experimentDir(options.root, options.prefix), LOGS_DIR));
  const streams = files.filter((f) => f.endsWith(".jsonl")).map((f) => f.slice(0, -".jsonl".length)).sort();
  return { report, streams, issues, text: formatSummary(options.prefix, report, streams) };
}
