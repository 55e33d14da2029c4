import {
  InvalidArgumentError,
  LEVELS,
  LOGS_STREAM,
  isLevel,
  isSink,
  type JsonValue,
  type Level,
  type LogRecord,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type Sink,
} from "@dashlog/core";

/** One of pino's log methods, as `logger.info(object, message)` calls it. */
export type PinoLogMethod = (object: object, message?: string) => void;

/** The part of a pino logger the sink uses; every `pino()` logger and child logger has it. */
export interface PinoLogger {
  debug: PinoLogMethod;
  info: PinoLogMethod;
  warn: PinoLogMethod;
  error: PinoLogMethod;
  fatal: PinoLogMethod;
  flush?: (callback?: (error?: Error) => void) => void;
}

export interface PinoSinkOptions {
  /**
   * The sink that stores the records (e.g. `localJsonl()`); `openRun`/`closeRun` go to it,
   * so numbering continues and the experiment lock holds. Each batch is written there
   * first and logged to pino only once it is stored, so a retried batch is not logged twice.
   * Without it, pino is the only output and numbering starts at 0 in every run.
   */
  readonly next?: Sink;
  /**
   * Streams other than `logs` (consumer output such as `bytes`, `spans`): `false` (default)
   * skips them; a level logs each record at that level, message `<stream>`, its fields under `record`.
   */
  readonly otherStreams?: Level | false;
  /** Where a record's metadata goes in pino's object. Default `metadata`; nesting keeps it clear of pino's own keys (`level`, `time`, `msg`). */
  readonly metadataKey?: string;
  /** Log run start and end (`run RUNNING`, `run COMPLETED` at info, `run FAILED` at error). Default `true`. */
  readonly runs?: boolean;
}

/**
 * A dashlog sink that logs every record through a pino logger, so pino's console output
 * (pino-pretty), redaction and transports see dashlog runs:
 * `new Experiment({ prefix, sink: pinoSink(pino()) })`.
 */
export function pinoSink(logger: PinoLogger, options: PinoSinkOptions = {}): PinoSink {
  return new PinoSink(logger, options);
}

export class PinoSink implements Sink {
  readonly #logger: PinoLogger;
  readonly #next: Sink | undefined;
  readonly #otherStreams: Level | false;
  readonly #metadataKey: string;
  readonly #runs: boolean;

  constructor(logger: PinoLogger, options: PinoSinkOptions = {}) {
    if (typeof logger !== "object" || logger === null || LEVELS.some((level) => typeof logger[level] !== "function")) {
      throw new InvalidArgumentError("pinoSink logger", logger, `must be a pino logger with ${LEVELS.join(", ")} methods`);
    }
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError("pinoSink options", options, "must be an object like { next, otherStreams, metadataKey, runs }");
    }
    if (options.next !== undefined && !isSink(options.next)) {
      throw new InvalidArgumentError("pinoSink option next", options.next, "must be a sink: an object with a write(batches) method");
    }
    const otherStreams = options.otherStreams ?? false;
    if (otherStreams !== false && !isLevel(otherStreams)) {
      throw new InvalidArgumentError("pinoSink option otherStreams", otherStreams, `must be false or one of ${LEVELS.join(", ")}`);
    }
    const metadataKey = options.metadataKey ?? "metadata";
    if (typeof metadataKey !== "string" || metadataKey === "") {
      throw new InvalidArgumentError("pinoSink option metadataKey", metadataKey, "must be a non-empty string");
    }
    if (options.runs !== undefined && typeof options.runs !== "boolean") {
      throw new InvalidArgumentError("pinoSink option runs", options.runs, "must be a boolean");
    }
    this.#logger = logger;
    this.#next = options.next;
    this.#otherStreams = otherStreams;
    this.#metadataKey = metadataKey;
    this.#runs = options.runs ?? true;
  }

  async write(batches: readonly RecordBatch[]): Promise<void> {
    await this.#next?.write(batches);
    this.#log(batches);
  }

  writeSync(batches: readonly RecordBatch[]): void {
    if (this.#next !== undefined) {
      // Without a synchronous path the next sink cannot store these at exit; do not pretend it did.
      if (this.#next.writeSync === undefined) throw new Error("pinoSink option next has no writeSync, so records queued at exit cannot be stored");
      this.#next.writeSync(batches);
    }
    this.#log(batches);
  }

  async openRun(run: RunInfo): Promise<RunOpened> {
    const opened = (await this.#next?.openRun?.(run)) ?? { nextSequenceNumber: 0 };
    if (this.#runs) {
      this.#logger.info(
        { experiment: run.experiment, runId: run.runId, startedAt: run.startedAt, nextSequenceNumber: opened.nextSequenceNumber },
        "run RUNNING",
      );
    }
    return opened;
  }

  async closeRun(run: RunEnded): Promise<void> {
    await this.#next?.closeRun?.(run);
    this.#logRunEnd(run);
  }

  closeRunSync(run: RunEnded): void {
    this.#next?.closeRunSync?.(run);
    this.#logRunEnd(run);
  }

  async flush(): Promise<void> {
    await this.#next?.flush?.();
    await this.#flushLogger();
  }

  /** Closes `next` and flushes the logger; the logger itself stays open (it is the application's). */
  async close(): Promise<void> {
    await this.#next?.close?.();
    await this.#flushLogger();
  }

  #log(batches: readonly RecordBatch[]): void {
    for (const batch of batches) {
      if (batch.stream === LOGS_STREAM) {
        for (const record of batch.records) this.#logRecord(batch, record as unknown as LogRecord);
      } else if (this.#otherStreams !== false) {
        const log = this.#logger[this.#otherStreams];
        for (const record of batch.records) {
          const { sequenceNumber, ...fields } = record;
          log.call(this.#logger, { experiment: batch.experiment, stream: batch.stream, sequenceNumber, record: fields }, batch.stream);
        }
      }
    }
  }

  #logRecord(batch: RecordBatch, record: LogRecord): void {
    const fields: Record<string, JsonValue | string | number> = {
      experiment: batch.experiment,
      stream: batch.stream,
      sequenceNumber: record.sequenceNumber,
      timestamp: record.timestamp,
    };
    if (record.metadata !== null) fields[this.#metadataKey] = record.metadata;
    // A stored record with a level this sink does not know is still shown, not lost.
    const level: Level = isLevel(record.level) ? record.level : "info";
    this.#logger[level].call(this.#logger, fields, record.message);
  }

  #logRunEnd(run: RunEnded): void {
    if (!this.#runs) return;
    const fields = {
      experiment: run.experiment,
      runId: run.runId,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      firstSequenceNumber: run.firstSequenceNumber,
      nextSequenceNumber: run.nextSequenceNumber,
      ...(run.error === undefined ? {} : { error: run.error }),
    };
    if (run.status === "FAILED") this.#logger.error(fields, "run FAILED");
    else this.#logger.info(fields, `run ${run.status}`);
  }

  #flushLogger(): Promise<void> {
    const flush = this.#logger.flush;
    if (typeof flush !== "function") return Promise.resolve();
    return new Promise((resolve, reject) => {
      flush.call(this.#logger, (error) => (error ? reject(error) : resolve()));
    });
  }
}
