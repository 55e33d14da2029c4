import { unflattenParams } from "@dashlog/core";
import { writeOut, type CliIo } from "./cli-io.js";
import type { CommandSpec, ParsedCommand } from "./command-spec.js";
import { MONGO_OPTION } from "./mongo-option.js";
import { safeText } from "./safe-text.js";
import { NotFoundError, ROOT_OPTION, openStore, requireExperiment } from "./store-options.js";
import { textTable } from "./text-table.js";

export const paramsSpec: CommandSpec = {
  name: "params",
  summary: "Show an experiment's parameters (exp.params.set, or ml-dash's parameters.json).",
  positionals: ["PREFIX"],
  options: {
    json: { type: "boolean", description: "print them as one JSON object (flat dotted keys)" },
    nested: { type: "boolean", description: "with --json: nest the dotted keys ({\"model\": {\"lr\": ...}})" },
    root: ROOT_OPTION,
    mongo: MONGO_OPTION,
  },
  details: ["Keys are shown flat and sorted, as ml-dash stores them (`model.lr`); values as JSON."],
  examples: ["dashlog params alice/ml/mnist-training", "dashlog params alice/ml/mnist-training --json --nested | jq .model"],
};

export async function paramsCommand(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [prefix] = parsed.positionals as [string];
  const store = await openStore(parsed, io, "params");
  try {
    await requireExperiment(store, prefix);
    const params = await store.metrics.readParams(prefix);
    if (params === null) throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no parameters`);
    if (parsed.values["json"] === true) {
      await writeOut(io.stdout, `${JSON.stringify(parsed.values["nested"] === true ? unflattenParams(params.data) : params.data)}\n`);
      return 0;
    }
    const keys = Object.keys(params.data).sort();
    const rows = keys.map((key) => [{ text: safeText(key) }, { text: safeText(JSON.stringify(params.data[key])) }]);
    await writeOut(io.stdout, textTable(["PARAMETER", "VALUE"], rows, (text) => text));
    return 0;
  } finally {
    await store.close();
  }
}
