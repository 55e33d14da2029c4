/** The `levels` pino hands to its destinations and transports: label ↔ value, custom levels included. */
export interface PinoLevels {
  readonly values: Readonly<Record<string, number>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a pino line's shape depends on: where the message and the error are, and the level names. */
export interface PinoLineFormat {
  /** pino's `messageKey`. Default `msg`. */
  readonly messageKey: string;
  /** pino's `errorKey`. Default `err`. */
  readonly errorKey: string;
  /** The logger's levels, to read labels written by `formatters.level` (custom levels included). */
  readonly levels?: PinoLevels | undefined;
}

export const DEFAULT_PINO_LINE_FORMAT: PinoLineFormat = Object.freeze({ messageKey: "msg", errorKey: "err" });
