import { writeOut, type CliIo } from "./cli-io.js";
import { countOption, stringOption, type CommandSpec, type ParsedCommand } from "./command-spec.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { openOutput } from "./output-file.js";
import { progressBar } from "./progress-bar.js";
import { collectReport } from "./report/collect-report.js";
import { renderReportHtml } from "./report/render-report-html.js";
import { ROOT_OPTION, openStore, requireExperiment } from "./store-options.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_MAX_ROWS = 10_000;

export const reportSpec: CommandSpec = {
  name: "report",
  summary: "Write one self-contained HTML page about a run: status, timeline of spans, metric charts, and the log table.",
  positionals: ["PREFIX"],
  options: {
    output: { type: "string", short: "o", value: "FILE", description: "the HTML file to write (required; - for stdout)" },
    "max-rows": { type: "string", value: "N", description: `log rows kept in the page (default: ${DEFAULT_MAX_ROWS.toLocaleString("en-US")}; warnings and errors first)` },
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
  },
  details: [
    "The page needs no network: the data, the dashboard's script (the one `dashlog serve` uses) and its style are all inside it.",
    "Charts: memory, CPU and event-loop streams of @dashlog/events, any other numeric stream, and numeric metadata",
    "(e.g. train_loss and val_loss over epoch). The timeline pairs spans from the spans, full or core stream, else from the logs.",
  ],
  examples: ["dashlog report alice/ml/mnist-training -o report.html", "dashlog report alice/ml/mnist-training -o - > report.html"],
};

export async function reportCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [prefix] = parsed.positionals as [string];
  const file = stringOption(parsed, "output");
  if (file === undefined) throw new UsageError("-o FILE is required (use -o - for stdout)", "report");
  const maxRows = countOption(parsed, "max-rows", DEFAULT_MAX_ROWS, "report");
  const store = await openStore(parsed, io, "report");
  try {
    await requireExperiment(store, prefix);
    const progress = progressBar(io.stderr, { label: "report", total: 1, unit: "experiments" });
    let html: string;
    try {
      const data = await collectReport(store, prefix, { maxRows, signal: io.signal });
      progress.tick();
      // Reads stop quietly on Ctrl-C; a report of part of the run must not be written as if whole.
      io.signal.throwIfAborted();
      html = await renderReportHtml(data);
    } finally {
      progress.done();
    }
    const output = await openOutput(file, io);
    try {
      await writeOut(output.stream, html);
      await output.commit();
    } catch (error) {
      await output.abort();
      throw error;
    }
    if (file !== "-") io.stderr.write(`dashlog: wrote ${file} (${Math.round(html.length / 1024).toLocaleString("en-US")} KiB)\n`);
    return 0;
  } finally {
    await store.close();
  }
}
