import { resolve } from "node:path";
import { parseArgs } from "node:util";
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
  },
});

// `pnpm example` runs this from apps/example; INIT_CWD is where the user typed the command,
// so `.dash/` lands there (the clone's root), where the README says it does.
const root = resolve(process.env["INIT_CWD"] ?? process.cwd(), values.root ?? DEFAULT_ROOT);

const numbers = { epochs: Number(values.epochs), steps: Number(values.steps), seed: Number(values.seed) };
for (const [name, value] of Object.entries(numbers)) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(values[name as keyof typeof numbers])}`);
    process.exit(2);
  }
}

// Remote mode by one option or by the environment, as the rest of dashlog's tools do.
const mongoUri = values.mongo ?? process.env["MONGODB_URI"];
const result = await runExample({
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
