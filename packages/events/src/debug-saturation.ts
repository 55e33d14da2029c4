import { defineConsumer, InvalidArgumentError, type Consumer } from "@dashlog/core";
import { SaturationCounter } from "./event-saturation.js";
import { checkOptions } from "./option-checks.js";

/** pino's level names: the methods `debugSaturation` may call. */
export type SaturationLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/**
 * The part of a pino logger `debugSaturation` uses; any pino logger or child logger fits.
 * Spelled out rather than imported from pino, so this package does not install pino (and its
 * dependencies) for users who never use this consumer.
 */
export type SaturationLogger = { isLevelEnabled(level: string): boolean } & {
  readonly [L in SaturationLevel]: (object: Record<string, unknown>, message: string) => void;
};

export interface DebugSaturationOptions {
  readonly logger: SaturationLogger;
  /** Level of the printed lines. Default `debug`. */
  readonly level?: SaturationLevel | undefined;
}

const LEVELS: readonly SaturationLevel[] = ["trace", "debug", "info", "warn", "error", "fatal"];

/**
 * Prints the open-span counts through a pino logger on every span start and finish (the
 * original's DebugMetrics), e.g. `{"category":"io","kind":"start","id":7,"sequenceNumber":12,
 * "open":{"io":3}} "span saturation"`. It stores nothing: its stream stays empty.
 *
 * Cost per event: one Map update on span events; when the level is enabled, one pino call
 * (pino serialises synchronously and writes through its destination's buffer). Nothing on
 * point events.
 */
export function debugSaturation(options: DebugSaturationOptions): Consumer<never> {
  const opts = checkOptions("debugSaturation", options) as Partial<DebugSaturationOptions>;
  const logger = opts.logger;
  if (typeof logger !== "object" || logger === null || typeof logger.isLevelEnabled !== "function") {
    throw new InvalidArgumentError("debugSaturation option logger", logger, "must be a pino logger");
  }
  const level = opts.level ?? "debug";
  if (!LEVELS.includes(level)) {
    throw new InvalidArgumentError("debugSaturation option level", level, `must be one of ${LEVELS.join(", ")}`);
  }
  return makeDebugSaturation(logger, level);
}

function makeDebugSaturation(logger: SaturationLogger, level: SaturationLevel): Consumer<never> {
  const counter = new SaturationCounter();
  return defineConsumer<never>(
    (event) => {
      // Count even while the level is off, so the numbers are right once it is turned on.
      if (counter.apply(event) && logger.isLevelEnabled(level)) {
        logger[level](
          { category: event.category, kind: event.kind, id: event.id, sequenceNumber: event.sequenceNumber, open: counter.snapshot() },
          "span saturation",
        );
      }
      return undefined;
    },
    { streamName: "debugSaturation", fresh: () => makeDebugSaturation(logger, level) },
  );
}
