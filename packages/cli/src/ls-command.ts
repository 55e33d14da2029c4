import { writeOut, type CliIo } from "./cli-io.js";
import { painter, useColor, type Style } from "./color.js";
import type { CommandSpec, ParsedCommand } from "./command-spec.js";
import { summariseExperiment, type ExperimentSummary } from "./experiment-summary.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { ROOT_OPTION, openStore } from "./store-options.js";
import { textTable, type Cell } from "./text-table.js";

export const lsSpec: CommandSpec = {
  name: "ls",
  summary: "List experiments with the status, start and end of their latest run and their record counts.",
  positionals: [],
  options: {
    json: { type: "boolean", description: "one JSON object per experiment and line" },
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
  },
  details: [
    "RECORDS counts the logs stream; STREAMS lists every stream with its count. RUNS is how many runs the prefix has had.",
    "A run joined by several workers shows how many completed, e.g. `FAILED 7/8 (3 CRASHED)`: the workers not completed are named with their status.",
    "METRICS lists every metric with its points (and ml-dash tracks as track:NAME with their rows); PARAMS counts the parameters.",
  ],
  examples: ["dashlog ls", "dashlog ls --root /data/.dash", "dashlog ls --json | jq -r 'select(.status == \"FAILED\") | .prefix'"],
};

const STATUS_STYLES: Record<ExperimentSummary["status"], Style[]> = {
  RUNNING: ["cyan", "bold"],
  COMPLETED: ["green"],
  FAILED: ["red", "bold"],
  UNKNOWN: ["gray"],
};

export async function lsCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const store = await openStore(parsed, io, "ls");
  try {
    const prefixes = await store.listExperiments();
    const summaries: ExperimentSummary[] = [];
    for (const prefix of prefixes) summaries.push(await summariseExperiment(store, prefix));
    if (parsed.values["json"] === true) {
      await writeOut(io.stdout, summaries.map((s) => `${JSON.stringify(s)}\n`).join(""));
      return 0;
    }
    if (summaries.length === 0) {
      io.stderr.write(`dashlog: no experiments in ${store.location}\n`);
      return 0;
    }
    const rows = summaries.map((s): Cell[] => [
      { text: s.prefix },
      { text: s.workers === undefined ? s.status : `${s.status} ${workersText(s.workers)}`, styles: STATUS_STYLES[s.status] },
      { text: String(s.runs), align: "right" },
      { text: shortTime(s.startedAt) },
      { text: s.endedAt === null ? (s.status === "RUNNING" ? "running" : "-") : shortTime(s.endedAt), styles: s.endedAt === null ? ["dim"] : [] },
      { text: s.records.toLocaleString("en-US"), align: "right" },
      { text: Object.entries(s.streams).filter(([name]) => name !== "logs").map(([name, n]) => `${name}:${n}`).join(" "), styles: ["dim"] },
      {
        text: [...Object.entries(s.metrics).map(([name, n]) => `${name}:${n}`), ...Object.entries(s.tracks).map(([name, n]) => `track:${name}:${n}`)].join(" "),
        styles: ["dim"],
      },
      { text: s.params === 0 ? "-" : String(s.params), align: "right", styles: s.params === 0 ? ["dim"] : [] },
    ]);
    const paint = painter(useColor(io.stdout, io.env));
    await writeOut(io.stdout, textTable(["PREFIX", "STATUS", "RUNS", "STARTED", "ENDED", "RECORDS", "STREAMS", "METRICS", "PARAMS"], rows, paint));
    return 0;
  } finally {
    await store.close();
  }
}

function shortTime(iso: string | null): string {
  return iso === null ? "-" : iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** `7/8` workers completed, then the others by name: `(3 CRASHED, 5 RUNNING)`. */
function workersText(workers: Readonly<Record<string, string>>): string {
  const entries = Object.entries(workers);
  const done = entries.filter(([, status]) => status === "COMPLETED").length;
  const others = entries.filter(([, status]) => status !== "COMPLETED").map(([name, status]) => `${name} ${status}`);
  return `${done}/${entries.length}${others.length === 0 ? "" : ` (${others.join(", ")})`}`;
}
