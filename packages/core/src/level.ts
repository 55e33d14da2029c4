import { InvalidLevelError } from "./errors.js";

/** The five levels, least to most severe. Anything else is an error. */
export const LEVELS = ["debug", "info", "warn", "error", "fatal"] as const;

export type Level = (typeof LEVELS)[number];

/** Numeric severities, spaced like pino's so the two map onto each other. */
export const LEVEL_VALUES: Readonly<Record<Level, number>> = Object.freeze({
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
});

export const DEFAULT_LEVEL: Level = "info";

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && Object.hasOwn(LEVEL_VALUES, value);
}

/** Returns `value` as a Level, or throws InvalidLevelError naming `field`. */
export function parseLevel(value: unknown, field = "level"): Level {
  if (isLevel(value)) return value;
  throw new InvalidLevelError(field, value);
}

/** True when `level` is at least as severe as `minimum`. */
export function isAtLeast(level: Level, minimum: Level): boolean {
  return LEVEL_VALUES[level] >= LEVEL_VALUES[minimum];
}
