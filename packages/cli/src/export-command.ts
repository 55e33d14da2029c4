import type { Level, StoredRecord } from "@dashlog/core";
import { gaugeAt, toChromeTrace } from "@dashlog/events";
import { writeOut, type CliIo } from "./cli-io.js";
import { stringOption, type CommandSpec, type ParsedCommand } from "./command-spec.js";
import { csvRow } from "./csv.js";
import { parseTimeArgument } from "./duration.js";
import type { ExperimentStore } from "./experiment-store.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { exportMetricOrTrack } from "./metric-export.js";
import { METRIC_OPTIONS, sourceOption } from "./metric-options.js";
import { openOutput } from "./output-file.js";
import { progressBar } from "./progress-bar.js";
import { levelOption } from "./level-option.js";
import { readIssuePrinter } from "./read-issue-printer.js";
import { SPAN_STREAMS, readSpans } from "./span-source.js";
import { NotFoundError, ROOT_OPTION, openStore, requireExperiment } from "./store-options.js";
import { UsageError } from "./usage-error.js";

const FORMATS = ["jsonl", "csv", "chrome-trace"] as const;
type Format = (typeof FORMATS)[number];

export const exportSpec: CommandSpec = {
  name: "export",
  summary: "Write an experiment's stream (or a metric) as JSON Lines or CSV, or its spans as a Chrome trace.",
  positionals: ["PREFIX"],
  options: {
    format: { type: "string", value: "FORMAT", description: "jsonl, csv or chrome-trace (required)" },
    output: { type: "string", short: "o", value: "FILE", description: "write to FILE instead of stdout (written whole or not at all)" },
    stream: { type: "string", value: "NAME", description: "stream to export (default: logs; for chrome-trace: spans, else full, else core)" },
    level: { type: "string", value: "LEVEL", description: "minimum level (jsonl and csv)" },
    fill: { type: "boolean", description: "a sparse gauge (memory, loadAverage, ...) as one row per log record, carrying each sample forward" },
    since: { type: "string", value: "TIME", description: "only records after TIME: a duration back from now (10m, 2h) or ISO-8601" },
    until: { type: "string", value: "TIME", description: "only records up to TIME" },
    ...METRIC_OPTIONS,
    worker: { type: "string", value: "NAME", description: "with --metric: only the points of this worker of a run joined by several processes" },
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
  },
  details: [
    "CSV has a header row; for the logs stream the columns are timestamp, level, message, metadata (as JSON), sequenceNumber,",
    "for other streams sequenceNumber and every field found. A chrome-trace file opens in ui.perfetto.dev or chrome://tracing.",
    "With --metric, JSON Lines are ml-dash's {index, data, createdAt}; CSV has index, createdAt and a column per data field.",
    "A progress bar is drawn on stderr when it is a terminal.",
  ],
  examples: [
    "dashlog export alice/ml/mnist-training --format csv -o logs.csv",
    "dashlog export alice/ml/mnist-training --format jsonl --level warn",
    "dashlog export alice/ml/mnist-training --format csv --stream memory --fill -o memory.csv",
    "dashlog export alice/ml/mnist-training --format chrome-trace -o trace.json",
    "dashlog export alice/ml/mnist-training --metric train --from-index 1000 --format csv -o train.csv",
  ],
};

export async function exportCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [prefix] = parsed.positionals as [string];
  const format = stringOption(parsed, "format");
  if (format === undefined) throw new UsageError(`--format is required: ${FORMATS.join(", ")}`, "export");
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}; got ${JSON.stringify(format)}`, "export");
  }
  const now = Date.now();
  const sinceText = stringOption(parsed, "since");
  const untilText = stringOption(parsed, "until");
  const filter = {
    level: levelOption(parsed, "export"),
    since: sinceText === undefined ? undefined : parseTimeArgument(sinceText, "--since", now),
    until: untilText === undefined ? undefined : parseTimeArgument(untilText, "--until", now),
  };
  const source = sourceOption(parsed, "export");
  if (source.kind !== "stream" && (format as Format) === "chrome-trace") throw new UsageError("--format chrome-trace exports spans, not --metric or --track", "export");
  if (source.kind !== "stream" && filter.level !== undefined) throw new UsageError("--level applies to log records, not to --metric or --track", "export");
  if (source.kind === "stream" && stringOption(parsed, "worker") !== undefined) throw new UsageError("--worker needs --metric (for records, use dashlog tail --worker)", "export");
  const store = await openStore(parsed, io, "export");
  try {
    await requireExperiment(store, prefix);
    const output = await openOutput(stringOption(parsed, "output"), io);
    try {
      if (source.kind !== "stream") {
        await exportMetricOrTrack(store, prefix, source, format as "jsonl" | "csv", filter, io, output.stream);
      } else if ((format as Format) === "chrome-trace") {
        await exportTrace(store, prefix, stringOption(parsed, "stream"), io, output.stream);
      } else {
        const stream = stringOption(parsed, "stream") ?? "logs";
        if (parsed.values["fill"] === true) {
          if (stream === "logs") throw new UsageError("--fill needs --stream NAME of a sparse stream: the logs stream has a record for every event", "export");
          await exportFilled(store, prefix, format as "jsonl" | "csv", stream, filter, io, output.stream);
        } else {
          await exportRecords(store, prefix, format as "jsonl" | "csv", stream, filter, io, output.stream);
        }
      }
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
    return 0;
  } finally {
    await store.close();
  }
}

const LOG_COLUMNS = ["timestamp", "level", "message", "metadata", "sequenceNumber"];

async function exportRecords(
  store: ExperimentStore,
  prefix: string,
  format: "jsonl" | "csv",
  stream: string,
  filter: { level: Level | undefined; since: number | undefined; until: number | undefined },
  io: CliIo,
  out: CliIo["stdout"],
): Promise<void> {
  if (!(await store.listStreams(prefix)).includes(stream)) {
    throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no stream ${JSON.stringify(stream)}`);
  }
  const read = () => store.reader.read(prefix, { stream, ...filter, onIssue: readIssuePrinter(io, stream), signal: io.signal });
  // Counting costs a pass over the data; only worth it when someone watches the bar.
  const total = io.stderr.isTTY === true ? await store.countRecords(prefix, stream) : 0;
  const progress = progressBar(io.stderr, { label: `export ${stream}`, total, unit: "records" });
  try {
    let columns: string[] | undefined;
    if (format === "csv") {
      columns = stream === "logs" ? LOG_COLUMNS : await fieldNames(read());
      await writeOut(out, csvRow(columns));
    }
    let buffer = "";
    for await (const record of read()) {
      buffer += columns === undefined ? `${JSON.stringify(record)}\n` : csvRow(columns.map((c) => record[c]));
      progress.tick();
      if (buffer.length >= 64 * 1024) {
        await writeOut(out, buffer);
        buffer = "";
      }
    }
    await writeOut(out, buffer);
    // A read stops quietly on Ctrl-C; a partial export must not be committed as if complete.
    io.signal.throwIfAborted();
  } finally {
    progress.done();
  }
}

/**
 * A sparse gauge joined to the events: one row per `logs` record (after the level and time
 * filters), holding the gauge's latest sample at or before that event, with `sampledAt`
 * naming the event of the sample. Samples before `--since` still count: they are the value
 * in force when the window opens. Events before the first sample get no row.
 */
async function exportFilled(
  store: ExperimentStore,
  prefix: string,
  format: "jsonl" | "csv",
  stream: string,
  filter: { level: Level | undefined; since: number | undefined; until: number | undefined },
  io: CliIo,
  out: CliIo["stdout"],
): Promise<void> {
  const streams = await store.listStreams(prefix);
  for (const name of [stream, "logs"]) {
    if (!streams.includes(name)) throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no stream ${JSON.stringify(name)}`);
  }
  const samples: StoredRecord[] = [];
  for await (const record of store.reader.read(prefix, { stream, onIssue: readIssuePrinter(io, stream), signal: io.signal })) samples.push(record);
  const at = gaugeAt(samples);
  let columns: string[] | undefined;
  if (format === "csv") {
    const names = new Set<string>(["sequenceNumber", "sampledAt"]);
    for (const record of samples) for (const key of Object.keys(record)) names.add(key);
    columns = [...names];
    await writeOut(out, csvRow(columns));
  }
  let buffer = "";
  for await (const log of store.reader.read(prefix, { stream: "logs", ...filter, onIssue: readIssuePrinter(io, "logs"), signal: io.signal })) {
    const sample = at(log.sequenceNumber);
    if (sample === undefined) continue;
    const row: StoredRecord = { ...sample, sequenceNumber: log.sequenceNumber, sampledAt: sample.sequenceNumber };
    buffer += columns === undefined ? `${JSON.stringify(row)}\n` : csvRow(columns.map((c) => row[c]));
    if (buffer.length >= 64 * 1024) {
      await writeOut(out, buffer);
      buffer = "";
    }
  }
  await writeOut(out, buffer);
  io.signal.throwIfAborted();
}

/** Every field of a stream's records, `sequenceNumber` first, then in order of first appearance. */
async function fieldNames(records: AsyncIterable<StoredRecord>): Promise<string[]> {
  const names = new Set<string>(["sequenceNumber"]);
  for await (const record of records) for (const key of Object.keys(record)) names.add(key);
  return [...names];
}

async function exportTrace(store: ExperimentStore, prefix: string, stream: string | undefined, io: CliIo, out: CliIo["stdout"]): Promise<void> {
  const source = await readSpans(store, prefix, { stream, onIssue: readIssuePrinter(io, stream ?? "spans"), signal: io.signal });
  if (source === undefined) {
    throw new NotFoundError(
      stream === undefined
        ? `experiment ${JSON.stringify(prefix)} has no span stream (${SPAN_STREAMS.join(", ")}); record spans with spanDurations() or coreMetrics() from @dashlog/events`
        : `experiment ${JSON.stringify(prefix)} has no stream ${JSON.stringify(stream)}`,
    );
  }
  let invalid = 0;
  io.signal.throwIfAborted();
  const trace = toChromeTrace(source.spans, { processName: prefix, onInvalid: () => invalid++ });
  if (invalid > 0) io.stderr.write(`dashlog: warning: ${invalid} record(s) of stream ${source.stream} are not spans and were skipped\n`);
  await writeOut(out, `${JSON.stringify(trace)}\n`);
}
