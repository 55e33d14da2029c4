import { DashlogError } from "@dashlog/core";
import { writeOut, type CliIo } from "./cli-io.js";
import { commandHelp, parseCommand } from "./command-spec.js";
import { COMMANDS } from "./commands.js";
import { safeText } from "./safe-text.js";
import { PushIncompleteError } from "./push-command.js";
import { NotFoundError } from "./store-options.js";
import { UsageError } from "./usage-error.js";
import { VERSION } from "./version.js";

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    "Usage: dashlog <command> [options]",
    "",
    "Look at dashlog experiments from the command line.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    "",
    "Run `dashlog <command> --help` for a command's options. `dashlog --version` prints the version.",
    "",
  ].join("\n");
}

/**
 * Runs one command line (without the `node` and script arguments) and returns the exit code.
 * Every failure becomes one line on stderr: `dashlog <command>: <what went wrong>`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? COMMANDS.find((c) => c.spec.name === rest[0]) : undefined;
    await writeOut(io.stdout, target === undefined ? mainHelp() : commandHelp(target.spec));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version" || name === "-v") {
    await writeOut(io.stdout, `${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command === undefined) {
    io.stderr.write(`dashlog: unknown command ${JSON.stringify(safeText(name))}; commands: ${COMMANDS.map((c) => c.spec.name).join(", ")} (see dashlog --help)\n`);
    return EXIT_USAGE;
  }
  try {
    const parsed = parseCommand(command.spec, rest);
    if (parsed.help) {
      await writeOut(io.stdout, commandHelp(command.spec));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (io.signal.aborted && isAbort(error)) return 130;
    io.stderr.write(`${errorLine(command.spec.name, error, io.env["DASHLOG_DEBUG"] !== undefined)}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || (error as NodeJS.ErrnoException).code === "ABORT_ERR");
}

/** One line, whatever the error: a stack only with DASHLOG_DEBUG set. */
function errorLine(command: string, error: unknown, debug: boolean): string {
  const prefix = `dashlog ${command}:`;
  if (error instanceof UsageError) return `${prefix} ${oneLine(error.message)} (see dashlog ${command} --help)`;
  if (error instanceof DashlogError || error instanceof NotFoundError || error instanceof PushIncompleteError) return `${prefix} ${oneLine(error.message)}`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const text = `${prefix} ${oneLine(error.message)}${code !== undefined && !error.message.includes(code) ? ` (${code})` : ""}`;
    return debug && error.stack !== undefined ? `${text}\n${error.stack}` : text;
  }
  return `${prefix} ${oneLine(String(error))}`;
}

function oneLine(text: string): string {
  return safeText(text.replace(/\s*\n\s*/g, " "));
}
