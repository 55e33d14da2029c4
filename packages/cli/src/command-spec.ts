import { parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  /** Placeholder shown in help, e.g. `DIR`. */
  readonly value?: string;
  readonly description: string;
}

/** A command's arguments, help text and examples, in one place so help never drifts from parsing. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, in order; all required. */
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly details?: readonly string[];
  readonly examples: readonly string[];
}

export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

const HELP: OptionSpec = { type: "boolean", short: "h", description: "show this help" };

/** Parses `argv` against `spec` with node:util parseArgs; mistakes become one-line UsageErrors. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, option] of Object.entries({ ...spec.options, help: HELP })) {
    options[name] = option.short === undefined ? { type: option.type } : { type: option.type, short: option.short };
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    // parseArgs explains how to pass a value starting with "-"; the first sentence is the point.
    const message = (error as Error).message.split(/\.\s/)[0]?.replace(/\.$/, "") ?? String(error);
    throw new UsageError(message, spec.name);
  }
  if (parsed.values["help"] === true) return { values: parsed.values, positionals: parsed.positionals, help: true };
  if (parsed.positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(parsed.positionals.length).join(" ")}`, spec.name);
  }
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals.length])}`, spec.name);
  }
  return { values: parsed.values, positionals: parsed.positionals, help: false };
}

/** The text `dashlog COMMAND --help` prints. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: dashlog ${spec.name}${spec.positionals.map((p) => ` ${p}`).join("")} [options]`, "", spec.summary];
  if (spec.details !== undefined) lines.push("", ...spec.details);
  lines.push("", "Options:");
  const entries = Object.entries({ ...spec.options, help: HELP }).map(([name, option]) => {
    const flag = `${option.short === undefined ? "    " : `-${option.short}, `}--${name}${option.value === undefined ? "" : ` ${option.value}`}`;
    return [flag, option.description] as const;
  });
  const width = Math.max(...entries.map(([flag]) => flag.length));
  for (const [flag, description] of entries) lines.push(`  ${flag.padEnd(width)}  ${description}`);
  if (spec.examples.length > 0) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

export function stringOption(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
}

/** A non-negative integer option such as `-n 50`. */
export function countOption(parsed: ParsedCommand, name: string, fallback: number, command: string): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name} must be a non-negative whole number, got ${JSON.stringify(text)}`, command);
  }
  return Number(text);
}
