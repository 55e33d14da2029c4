import { isLevel, LEVELS, type Level } from "@dashlog/core";
import { stringOption, type ParsedCommand } from "./command-spec.js";
import { UsageError } from "./usage-error.js";

/** `--level` checked as a command-line mistake (exit 2), not as a failure of the command. */
export function levelOption(parsed: ParsedCommand, command: string): Level | undefined {
  const text = stringOption(parsed, "level");
  if (text === undefined) return undefined;
  if (!isLevel(text)) throw new UsageError(`--level must be one of ${LEVELS.join(", ")}; got ${JSON.stringify(text)}`, command);
  return text;
}
