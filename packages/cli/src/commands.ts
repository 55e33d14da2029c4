import type { CliIo } from "./cli-io.js";
import type { CommandSpec, ParsedCommand } from "./command-spec.js";
import { exportCommand, exportSpec } from "./export-command.js";
import { lsCommand, lsSpec } from "./ls-command.js";
import { paramsCommand, paramsSpec } from "./params-command.js";
import { pushCommand, pushSpec } from "./push-command.js";
import { reportCommand, reportSpec } from "./report-command.js";
import { serveCommand, serveSpec } from "./serve-command.js";
import { tailCommand, tailSpec } from "./tail-command.js";

export interface Command {
  readonly spec: CommandSpec;
  run(parsed: ParsedCommand, io: CliIo): Promise<number>;
}

/** Every subcommand, in the order `dashlog --help` lists them. */
export const COMMANDS: readonly Command[] = [
  { spec: tailSpec, run: tailCommand },
  { spec: lsSpec, run: lsCommand },
  { spec: exportSpec, run: exportCommand },
  { spec: paramsSpec, run: paramsCommand },
  { spec: pushSpec, run: pushCommand },
  { spec: reportSpec, run: reportCommand },
  { spec: serveSpec, run: serveCommand },
];
