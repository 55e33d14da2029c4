import { LEVEL_VALUES, type Level } from "@dashlog/core";

/** pino's numeric level for each dashlog level: the same numbers, since core spaced its levels like pino's. */
export const PINO_LEVEL_OF: Readonly<Record<Level, number>> = LEVEL_VALUES;

/** pino's built-in labels and values, for lines that carry a label (`formatters.level`) and no custom levels were told. */
export const PINO_DEFAULT_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
});

/**
 * The dashlog level of a pino level value: the nearest dashlog level at or below it, so
 * a custom level never looks more severe than it is. Below debug (pino's `trace` is 10)
 * there is no lower level, so those become `debug`; anything from 60 up is `fatal`.
 */
export function levelFromPinoValue(value: number): Level {
  if (value >= LEVEL_VALUES.fatal) return "fatal";
  if (value >= LEVEL_VALUES.error) return "error";
  if (value >= LEVEL_VALUES.warn) return "warn";
  if (value >= LEVEL_VALUES.info) return "info";
  return "debug";
}
