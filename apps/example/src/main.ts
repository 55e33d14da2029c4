import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { processIo, runCli } from "@dashlog/cli";
import { DEFAULT_ROOT } from "@dashlog/local-jsonl";
import { runExample } from "./run-example.js";

const { values } = parseArgs({
  options: {
    root: { type: "string" },
    mongo: { type: "string" },
    prefix: { type: "string", default: "alice/ml/mnist-training" },
    epochs: { type: "string", default: "10" },
    steps: { type: "string", default: "50" },
    seed: { type: "string", default: "42" },
    // Start `dashlog serve` first and train slowly, so the run can be watched as it happens.
    serve: { type: "boolean", default: false },
    port: { type: "string", default: "4173" },
    "pace-ms": { type: "string" },
  },
});

// `pnpm example` runs this from apps/example; INIT_CWD is where the user typed the command,
// so `.dash/` lands there (the clone's root), where the README says it does.
const root = resolve(process.env["INIT_CWD"] ?? process.cwd(), values.root ?? DEFAULT_ROOT);

const numbers = { epochs: Number(values.epochs), steps: Number(values.steps), seed: Number(values.seed), port: Number(values.port) };
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isInteger(value) || value < (name === "port" ? 0 : 1)) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(values[name as keyof typeof numbers])}`);
    process.exit(2);
  }
}

// Remote mode by one option or by the environment, as the rest of dashlog's tools do.
const mongoUri = values.mongo ?? process.env["MONGODB_URI"];
const paceMs = values["pace-ms"] === undefined ? (values.serve ? 60 : 0) : Number(values["pace-ms"]);
if (!Number.isFinite(paceMs) || paceMs < 0) {
  console.error(`--pace-ms must be a number of milliseconds, got ${JSON.stringify(values["pace-ms"])}`);
  process.exit(2);
}
const io = processIo();
// The dashboard is the CLI's own `dashlog serve`, run in this process; it prints its URL.
const serving = values.serve
  ? runCli(["serve", "--port", String(numbers.port), ...(mongoUri ? ["--mongo", mongoUri] : ["--root", root])], io)
  : undefined;
if (serving !== undefined) await new Promise((resolve) => setTimeout(resolve, 300));
const result = await runExample({
  paceMs,
  root,
  mongoUri: mongoUri === "" ? undefined : mongoUri,
  prefix: values.prefix,
  epochs: numbers.epochs,
  stepsPerEpoch: numbers.steps,
  seed: numbers.seed,
});
console.log(result.text);
if (mongoUri === undefined) console.log("\nRun it again: sequence numbers continue. Add --mongo <uri> (or MONGODB_URI) for MongoDB.");
process.exitCode = result.unwritten > 0 ? 1 : 0;
if (serving !== undefined) {
  console.log("\nThe dashboard stays up to look around: press Ctrl-C to stop it.");
  const code = await serving;
  if (code !== 0) process.exitCode = code;
}
