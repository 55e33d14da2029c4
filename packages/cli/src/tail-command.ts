import type { StoredRecord } from "@dashlog/core";
import { writeOut, type CliIo } from "./cli-io.js";
import { useColor } from "./color.js";
import { countOption, stringOption, type CommandSpec, type ParsedCommand } from "./command-spec.js";
import { parseTimeArgument } from "./duration.js";
import { levelOption } from "./level-option.js";
import { readIssuePrinter } from "./read-issue-printer.js";
import { recordFormatter } from "./record-formatter.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { METRIC_OPTIONS, sourceOption } from "./metric-options.js";
import { tailMetricOrTrack } from "./metric-tail.js";
import { ROOT_OPTION, openStore, requireExperiment } from "./store-options.js";
import { UsageError } from "./usage-error.js";

export const tailSpec: CommandSpec = {
  name: "tail",
  summary: "Print the last records of an experiment's stream (or points of a metric), and optionally follow new ones.",
  positionals: ["PREFIX"],
  options: {
    stream: { type: "string", value: "NAME", description: "stream to read (default: logs)" },
    level: { type: "string", value: "LEVEL", description: "minimum level: debug, info, warn, error or fatal" },
    worker: { type: "string", value: "NAME", description: "only records (or --metric points) of this worker of a run joined by several processes (e.g. a RANK)" },
    since: { type: "string", value: "TIME", description: "only records after TIME: a duration back from now (90s, 10m, 2h, 1d) or ISO-8601" },
    until: { type: "string", value: "TIME", description: "only records up to TIME (same forms as --since)" },
    lines: { type: "string", short: "n", value: "N", description: "how many records (default: 50)" },
    follow: { type: "boolean", short: "f", description: "keep printing new records until Ctrl-C" },
    json: { type: "boolean", description: "one JSON record per line, exactly as stored (for pipes and jq)" },
    ...METRIC_OPTIONS,
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
  },
  details: [
    "Output is coloured and aligned on a terminal; set NO_COLOR to turn colour off (FORCE_COLOR forces it on).",
    "Lines that cannot be read (a torn last line after a crash) are reported on stderr and skipped.",
  ],
  examples: [
    "dashlog tail alice/ml/mnist-training",
    "dashlog tail alice/ml/mnist-training --level warn --since 10m",
    "dashlog tail alice/ml/mnist-training -n 0 --follow",
    "dashlog tail alice/ml/mnist-training --stream cpu --json | jq .userUs",
    "dashlog tail alice/ml/ddp-training --worker 3 --follow",
    "dashlog tail alice/ml/mnist-training --metric train --from-index 100 -n 20",
  ],
};

export async function tailCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [prefix] = parsed.positionals as [string];
  const stream = stringOption(parsed, "stream") ?? "logs";
  const level = levelOption(parsed, "tail");
  const now = Date.now();
  const sinceText = stringOption(parsed, "since");
  const untilText = stringOption(parsed, "until");
  const n = countOption(parsed, "lines", 50, "tail");
  const follow = parsed.values["follow"] === true;
  const json = parsed.values["json"] === true;
  const source = sourceOption(parsed, "tail");
  const options = {
    stream,
    level,
    worker: stringOption(parsed, "worker"),
    since: sinceText === undefined ? undefined : parseTimeArgument(sinceText, "--since", now),
    until: untilText === undefined ? undefined : parseTimeArgument(untilText, "--until", now),
    onIssue: readIssuePrinter(io, stream),
    signal: io.signal,
  };
  const store = await openStore(parsed, io, "tail");
  try {
    // Following an experiment that has not started yet is useful; printing its missing tail is not.
    if (!follow) await requireExperiment(store, prefix);
    if (source.kind !== "stream") {
      if (level !== undefined) throw new UsageError("--level applies to log records, not to --metric or --track", "tail");
      const color = useColor(io.stdout, io.env);
      return await tailMetricOrTrack(store, prefix, source, { n, follow, json, color, since: options.since, until: options.until }, io);
    }
    const format = json ? (r: StoredRecord) => JSON.stringify(r) : recordFormatter({ color: useColor(io.stdout, io.env) });
    if (!follow) {
      const records = await store.reader.tail(prefix, n, options);
      const width = String(records.at(-1)?.sequenceNumber ?? 0).length;
      const formatLine = json ? format : recordFormatter({ color: useColor(io.stdout, io.env), sequenceWidth: Math.max(4, width) });
      let text = "";
      for (const record of records) text += `${formatLine(record)}\n`;
      await writeOut(io.stdout, text);
      return 0;
    }
    for await (const record of store.reader.follow(prefix, { ...options, tail: n })) {
      await writeOut(io.stdout, `${format(record)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
