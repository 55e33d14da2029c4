import { EventEmitter } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { InvalidArgumentError, InvalidMetadataError, type Run } from "@dashlog/core";
import { LineBuffer } from "./line-buffer.js";
import { DEFAULT_PINO_LINE_FORMAT, type PinoLevels, type PinoLineFormat } from "./pino-levels.js";
import { parsePinoLine } from "./pino-line.js";

/** The part of a dashlog `Run` a destination uses. */
export type DestinationRun = Pick<Run, "log" | "flush" | "status">;

export interface DashlogDestinationOptions {
  /** Where pino puts the message. Default: what the logger tells its destination (its `messageKey`), else `msg`. */
  readonly messageKey?: string;
  /** Where pino puts a logged error. Default: the logger's `errorKey`, else `err`. */
  readonly errorKey?: string;
  /** The logger's levels, for custom level labels. Default: what the logger tells its destination. */
  readonly levels?: PinoLevels;
}

/** The configuration pino sends to its destination when a logger is created (pino ≥ 9.6). */
interface PinoConfigMessage {
  readonly code: "PINO_CONFIG";
  readonly config: { readonly messageKey?: string; readonly errorKey?: string; readonly levels?: PinoLevels };
}

/**
 * A pino destination (`pino(options, dashlogDestination(run))`) that turns every line
 * the logger writes into a record of `run`. Writing never throws into the caller's log
 * call: lines that arrive after the run ended are counted in `dropped`.
 */
export function dashlogDestination(run: DestinationRun, options: DashlogDestinationOptions = {}): DashlogDestination {
  return new DashlogDestination(run, options);
}

export class DashlogDestination extends EventEmitter {
  /** How `pino(destination)` (no options first) tells a destination from an options object. */
  readonly writable = true;
  readonly #run: DestinationRun;
  readonly #options: DashlogDestinationOptions;
  readonly #lines = new LineBuffer();
  readonly #decoder = new StringDecoder("utf8");
  #format: PinoLineFormat;
  #written = 0;
  #dropped = 0;

  constructor(run: DestinationRun, options: DashlogDestinationOptions = {}) {
    super();
    if (typeof run !== "object" || run === null || typeof run.log !== "function") {
      throw new InvalidArgumentError("dashlogDestination run", run, "must be a dashlog Run (from experiment.start() or experiment.run())");
    }
    checkKey("dashlogDestination option messageKey", options.messageKey);
    checkKey("dashlogDestination option errorKey", options.errorKey);
    this.#run = run;
    this.#options = options;
    this.#format = this.#merge({});
    this.on("message", (message: unknown) => {
      if (isPinoConfig(message)) this.#format = this.#merge(message.config);
    });
  }

  /** Records logged so far. */
  get written(): number {
    return this.#written;
  }

  /** Lines not logged because the run had ended. */
  get dropped(): number {
    return this.#dropped;
  }

  /** How lines are read right now (after pino told its configuration, if it did). */
  get format(): PinoLineFormat {
    return this.#format;
  }

  write(chunk: string | Uint8Array): boolean {
    const text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    for (const line of this.#lines.push(text)) this.writeLine(line);
    return true;
  }

  /** Logs one line (without its newline); blank lines are skipped. */
  writeLine(line: string): void {
    if (line.trim() === "") return;
    if (this.#run.status !== "RUNNING") {
      this.#dropped++;
      return;
    }
    const entry = parsePinoLine(line, this.#format);
    try {
      this.#run.log(entry.message, { level: entry.level, metadata: entry.metadata });
    } catch (error) {
      if (!(error instanceof InvalidMetadataError)) throw error;
      // Keep the message: a field dashlog cannot store (e.g. nested deeper than 64) must not lose the line.
      this.#run.log(entry.message, { level: entry.level, metadata: { invalidMetadata: error.message } });
    }
    this.#written++;
  }

  /** Logs a last line that had no newline. */
  end(): void {
    const rest = this.#lines.end();
    if (rest !== undefined) this.writeLine(rest);
  }

  /** `logger.flush(cb)` lands here: resolves when the run's sink has everything logged so far. */
  flush(callback?: (error?: Error) => void): Promise<void> {
    const done = this.#run.status === "RUNNING" ? this.#run.flush() : Promise.resolve();
    if (callback !== undefined) done.then(() => callback(), (error: unknown) => callback(toError(error)));
    return done;
  }

  #merge(config: PinoConfigMessage["config"]): PinoLineFormat {
    const levels = this.#options.levels ?? config.levels;
    return {
      messageKey: this.#options.messageKey ?? config.messageKey ?? DEFAULT_PINO_LINE_FORMAT.messageKey,
      errorKey: this.#options.errorKey ?? config.errorKey ?? DEFAULT_PINO_LINE_FORMAT.errorKey,
      ...(levels === undefined ? {} : { levels }),
    };
  }
}

function checkKey(field: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "string" || value === "")) {
    throw new InvalidArgumentError(field, value, "must be a non-empty string");
  }
}

function isPinoConfig(message: unknown): message is PinoConfigMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { code?: unknown }).code === "PINO_CONFIG" &&
    typeof (message as { config?: unknown }).config === "object" &&
    (message as { config?: unknown }).config !== null
  );
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
