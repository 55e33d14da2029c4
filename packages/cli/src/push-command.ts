import { join } from "node:path";
import type { DashlogIssue, RunEnded, StoredRecord } from "@dashlog/core";
import type { CliIo } from "./cli-io.js";
import { stringOption, type CommandSpec, type ParsedCommand } from "./command-spec.js";
import type { ExperimentStore } from "./experiment-store.js";
import { localStore } from "./local-store.js";
import { mongoStore } from "./mongo-store.js";
import { loadRemoteMongo } from "./remote-mongo-module.js";
import { progressBar } from "./progress-bar.js";
import { pushMetrics } from "./push-metrics.js";
import { readIssuePrinter } from "./read-issue-printer.js";
import { safeText } from "./safe-text.js";
import { ROOT_OPTION, requireExperiment, rootFolder } from "./store-options.js";
import { UsageError } from "./usage-error.js";

/** Records handed to the sink at once, and how many are let queue before waiting for MongoDB. */
const BATCH = 1_000;
const IN_FLIGHT = 10_000;

export const pushSpec: CommandSpec = {
  name: "push",
  summary: "Copy a local experiment (every stream and its finished runs) to MongoDB; safe to repeat and to resume.",
  positionals: ["PREFIX"],
  options: {
    to: { type: "string", value: "URI", description: "MongoDB connection string, e.g. mongodb://user:pass@host:27017/dashlog (required)" },
    root: ROOT_OPTION,
  },
  details: [
    "Records are stored as @dashlog/remote-mongo's sink stores them, under unique (experiment, stream, sequenceNumber) keys,",
    "so pushing twice stores nothing twice. Each stream resumes after the last record MongoDB has, when MongoDB holds",
    "exactly the records up to there; otherwise it is sent again and what is already there is skipped.",
    "A run still RUNNING is copied up to now; its status follows when you push again after it ends.",
    "Records MongoDB could not take wait in <root>/.mongo-spool and are sent by the next push.",
  ],
  examples: ["dashlog push alice/ml/mnist-training --to mongodb://localhost:27017/dashlog"],
};

export async function pushCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [prefix] = parsed.positionals as [string];
  const uri = stringOption(parsed, "to");
  if (uri === undefined) throw new UsageError("--to URI is required", "push");
  if (!/^mongodb(\+srv)?:\/\//i.test(uri)) throw new UsageError("--to must be a mongodb:// or mongodb+srv:// URI", "push");
  const root = rootFolder(parsed, io);
  const local = localStore(root);
  await requireExperiment(local, prefix);
  const { mongoSink, redactUri } = await loadRemoteMongo("--to", "push");
  const remote = await mongoStore(uri, "--to", "push");
  const issues: DashlogIssue[] = [];
  const sink = mongoSink({
    uri,
    spoolDir: join(root, ".mongo-spool"),
    flushTimeoutMs: 30_000,
    closeTimeoutMs: 30_000,
    onIssue: (issue) => issues.push(issue),
  });
  let closed = false;
  try {
    const streams = await local.listStreams(prefix);
    const counts = new Map<string, number>();
    for (const stream of streams) counts.set(stream, await local.countRecords(prefix, stream));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const progress = progressBar(io.stderr, { label: "push", total, unit: "records" });
    let sent = 0;
    let metricsSent = 0;
    let recordStats = sink.stats;
    try {
      for (const stream of streams) {
        const from = await resumePoint(local, remote, prefix, stream, io);
        progress.tick(from.skipped);
        let batch: StoredRecord[] = [];
        const send = async () => {
          if (batch.length === 0) return;
          await sink.write([{ experiment: prefix, stream, records: batch }]);
          sent += batch.length;
          progress.tick(batch.length);
          batch = [];
          if (sink.stats.queued >= IN_FLIGHT) await sink.flush();
        };
        for await (const record of local.reader.read(prefix, { stream, fromSequence: from.sequence, onIssue: readIssuePrinter(io, stream), signal: io.signal })) {
          batch.push(record);
          if (batch.length >= BATCH) await send();
        }
        await send();
        if (io.signal.aborted) break;
      }
      if (!io.signal.aborted) await sink.flush();
      // The records' counts, before metric points and parameter changes use the same sink.
      recordStats = sink.stats;
      if (!io.signal.aborted) metricsSent = await pushMetrics(local, sink, prefix, io);
      if (!io.signal.aborted && metricsSent > 0) await sink.flush();
    } finally {
      progress.done();
    }

    let runs = 0;
    const running: string[] = [];
    if (!io.signal.aborted) {
      for (const run of await local.runs(prefix)) {
        if (run.status === "RUNNING" || run.endedAt === undefined || run.nextSequenceNumber === undefined) {
          running.push(run.runId);
          continue;
        }
        const ended: RunEnded = {
          experiment: prefix,
          runId: run.runId,
          startedAt: run.startedAt,
          status: run.status,
          endedAt: run.endedAt,
          firstSequenceNumber: run.firstSequenceNumber,
          nextSequenceNumber: run.nextSequenceNumber,
          ...(run.error === undefined ? {} : { error: run.error }),
        };
        await sink.closeRun(ended);
        runs++;
      }
    }

    const report = await sink.closeWithReport();
    closed = true;
    const where = redactUri(uri);
    if (!report.complete) {
      const last = issues.at(-1);
      throw new PushIncompleteError(
        `${report.unwritten.records.toLocaleString("en-US")} record(s) not written to ${where}` +
          `${report.rejected.records > 0 ? `, ${report.rejected.records} refused for good` : ""}; they are kept in ${report.spoolDir}` +
          ` and the next push sends them${last === undefined ? "" : ` (last problem: ${safeText(last.error instanceof Error ? last.error.message : String(last.error))})`}`,
      );
    }
    if (io.signal.aborted) {
      io.stderr.write(`dashlog push: interrupted after ${sent.toLocaleString("en-US")} record(s); run the same command again to resume\n`);
      return 130;
    }
    const { inserted, duplicates } = recordStats;
    const newPoints = report.stats.inserted - inserted;
    io.stderr.write(
      `dashlog push: ${prefix} -> ${where}: ${inserted.toLocaleString("en-US")} new record(s), ` +
        `${(total - inserted).toLocaleString("en-US")} already there${duplicates > 0 ? ` (${duplicates} re-sent and skipped)` : ""}, ${runs} run(s)` +
        `${metricsSent > 0 ? `, ${newPoints.toLocaleString("en-US")} new of ${metricsSent.toLocaleString("en-US")} metric point(s) and parameter change(s)` : ""}\n`,
    );
    for (const runId of running) io.stderr.write(`dashlog push: run ${runId} is still RUNNING; push again after it ends to copy its status\n`);
    return 0;
  } finally {
    if (!closed) await sink.closeWithReport().catch(() => undefined);
    await remote.close();
    await local.close();
  }
}

/**
 * Where to start sending a stream. MongoDB is trusted up to its highest sequence number only
 * when it holds exactly as many records up to there as the local file: an interrupted unordered
 * insert can leave holes below the highest one, and then the whole stream is sent again
 * (the unique index skips what is there).
 */
async function resumePoint(
  local: ExperimentStore,
  remote: ExperimentStore,
  prefix: string,
  stream: string,
  io: CliIo,
): Promise<{ sequence: number; skipped: number }> {
  const last = (await remote.reader.tail(prefix, 1, { stream }))[0]?.sequenceNumber;
  if (last === undefined) return { sequence: 0, skipped: 0 };
  const remoteCount = await remote.countRecords(prefix, stream);
  let localCount = 0;
  for await (const record of local.reader.read(prefix, { stream, toSequence: last, signal: io.signal })) {
    if (record.sequenceNumber <= last) localCount++;
  }
  return remoteCount === localCount ? { sequence: last + 1, skipped: localCount } : { sequence: 0, skipped: 0 };
}

export class PushIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PushIncompleteError";
  }
}
