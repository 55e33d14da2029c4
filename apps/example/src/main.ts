import { parseArgs } from "node:util";
import { DEFAULT_ROOT } from "@dashlog/local-jsonl";
import { runExample } from "./run-example.js";

const { values } = parseArgs({
  options: {
    root: { type: "string", default: DEFAULT_ROOT },
    prefix: { type: "string", default: "alice/ml/mnist-training" },
    epochs: { type: "string", default: "10" },
    steps: { type: "string", default: "50" },
    seed: { type: "string", default: "42" },
  },
});

const epochs = Number(values.epochs);
const stepsPerEpoch = Number(values.steps);
const seed = Number(values.seed);
for (const [name, value] of [["--epochs", epochs], ["--steps", stepsPerEpoch], ["--seed", seed]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer, got ${JSON.stringify(values[name.slice(2) as "epochs"])}`);
    process.exit(2);
  }
}

const result = await runExample({ root: values.root, prefix: values.prefix, epochs, stepsPerEpoch, seed });
console.log(result.text);
console.log(`\nFiles: ${values.root}/${values.prefix}/logs/*.jsonl (run it again: sequence numbers continue)`);
