import { isLevel, isPlainObject, type Level } from "@dashlog/core";
import { PINO_DEFAULT_LEVELS, PINO_LEVEL_OF, levelFromPinoValue } from "./level-mapping.js";
import type { PinoLineFormat } from "./pino-levels.js";

/** What one pino line becomes: the arguments of `exp.log(message, { level, metadata })`. */
export interface PinoLogEntry {
  readonly level: Level;
  readonly message: string;
  /** Every field of the line but `level` and the message: `time`, `pid`, `hostname`, child bindings, `err`, ... */
  readonly metadata: Record<string, unknown> | null;
}

/**
 * Reads one line pino wrote. A line that is not a JSON object (pino-pretty output, a
 * stray print) is kept, not dropped: it becomes an `info` record whose message is the
 * text and whose metadata is `{ unparsed: true }`.
 */
export function parsePinoLine(line: string, format: PinoLineFormat): PinoLogEntry {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unparsed(text);
  }
  if (!isPlainObject(parsed)) return unparsed(text);
  const { level: rawLevel, [format.messageKey]: rawMessage, ...rest } = parsed;
  const { level, exact } = readLevel(rawLevel, format);
  const metadata: Record<string, unknown> = rest;
  // Keep what pino wrote when the dashlog level cannot say it (trace, custom levels, odd values).
  if (!exact) metadata["pinoLevel"] = rawLevel;
  return {
    level,
    message: readMessage(rawMessage, rest[format.errorKey]),
    metadata: Object.keys(metadata).length === 0 ? null : metadata,
  };
}

function unparsed(text: string): PinoLogEntry {
  return { level: "info", message: text, metadata: { unparsed: true } };
}

function readLevel(raw: unknown, format: PinoLineFormat): { level: Level; exact: boolean } {
  if (typeof raw === "number" && !Number.isNaN(raw)) {
    const level = levelFromPinoValue(raw);
    return { level, exact: PINO_LEVEL_OF[level] === raw };
  }
  if (typeof raw === "string") {
    const value = format.levels?.values[raw] ?? PINO_DEFAULT_LEVELS[raw];
    if (value !== undefined) {
      const level = levelFromPinoValue(value);
      return { level, exact: level === raw };
    }
    if (isLevel(raw)) return { level: raw, exact: true };
  }
  // No level at all (a custom formatter renamed it) or one nobody declared: the default, with the original kept.
  return { level: "info", exact: raw === undefined };
}

function readMessage(raw: unknown, error: unknown): string {
  if (typeof raw === "string") return raw;
  if (raw === undefined || raw === null) {
    // `logger.error({ err })` without a message: the error's message says what happened.
    if (isPlainObject(error) && typeof error["message"] === "string") return error["message"];
    return "";
  }
  return typeof raw === "object" ? JSON.stringify(raw) : String(raw);
}
