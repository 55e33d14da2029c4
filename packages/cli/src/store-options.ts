import type { OptionSpec, ParsedCommand } from "./command-spec.js";
import { stringOption } from "./command-spec.js";
import type { CliIo } from "./cli-io.js";
import type { ExperimentStore } from "./experiment-store.js";
import { localStore } from "./local-store.js";
import { mongoStore } from "./mongo-store.js";
import { resolve } from "node:path";
import { UsageError } from "./usage-error.js";

export const ROOT_OPTION: OptionSpec = {
  type: "string",
  value: "DIR",
  description: "folder holding local experiments (default: .dash, or $DASHLOG_ROOT)",
};

/** The local root: `--root`, else `$DASHLOG_ROOT`, else `.dash`, relative to the working directory. */
export function rootFolder(parsed: ParsedCommand, io: CliIo): string {
  return resolve(io.cwd, stringOption(parsed, "root") ?? io.env["DASHLOG_ROOT"] ?? ".dash");
}

/** Opens the store a command reads from: `--root DIR` (default) or `--mongo URI`. */
export async function openStore(parsed: ParsedCommand, io: CliIo, command: string): Promise<ExperimentStore> {
  const mongo = stringOption(parsed, "mongo");
  if (mongo !== undefined) {
    if (stringOption(parsed, "root") !== undefined) throw new UsageError("--root and --mongo cannot be used together", command);
    if (!/^mongodb(\+srv)?:\/\//i.test(mongo)) throw new UsageError("--mongo must be a mongodb:// or mongodb+srv:// URI", command);
    return mongoStore(mongo, "--mongo", command);
  }
  return localStore(rootFolder(parsed, io));
}

/** Rejects an unknown prefix with a hint, instead of printing nothing. */
export async function requireExperiment(store: ExperimentStore, prefix: string): Promise<void> {
  if (!(await store.hasExperiment(prefix))) {
    throw new NotFoundError(`no experiment ${JSON.stringify(prefix)} in ${store.location} (\`dashlog ls\` lists them)`);
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}
