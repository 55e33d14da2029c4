import { randomUUID } from "node:crypto";
import { DEFAULT_END_TIMEOUT_MS, type BatchProcessor, type ProcessorStats } from "./batch-processor.js";
import type { Clock } from "./clock.js";
import { InvalidArgumentError, RunStateError } from "./errors.js";
import type { Event, EventKind, SpanId } from "./event.js";
import type { IssueChannel } from "./issues.js";
import type { JsonObject } from "./json.js";
import { DEFAULT_LEVEL, parseLevel, type Level } from "./level.js";
import { normalizeMetadata } from "./metadata.js";
import type { MultiEventLog } from "./multi-event-log.js";
import { OpenSpans, type OpenSpan } from "./open-spans.js";
import type { StreamEntry } from "./record.js";
import { onProcessCrash, onProcessExit } from "./process-exit.js";
import type { RunEnded, RunStatus, SequenceRange, Sink } from "./sink.js";
import { JoinedNumbering, type NumberCounter } from "./joined-numbering.js";
import type { SequenceBlocks } from "./sequence-blocks.js";
import type { MetricsOpened } from "./metric-batches.js";
import { createRunMetrics, type RunMetrics } from "./metrics.js";
import { RunParams } from "./params.js";

export interface LogOptions {
  /** `debug`, `info` (default), `warn`, `error` or `fatal`. */
  readonly level?: Level | undefined;
  /** A JSON object stored with the record; see `normalizeMetadata` for conversions. */
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined;
}

/** Everything an event can carry; `exp.log` and spans are shorthands for `emit`. */
export interface EmitInput {
  readonly category: string;
  readonly kind?: EventKind | undefined;
  readonly id?: SpanId | undefined;
  readonly level?: Level | undefined;
  readonly message?: string | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined;
  readonly payload?: unknown;
}

/** Options of a span's start or finish event. */
export interface SpanOptions {
  /** Default: `debug`, so span events can be filtered out of a human's view. */
  readonly level?: Level | undefined;
  /** Default: `start <category> <id>` / `finish <category> <id>`. */
  readonly message?: string | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined;
  readonly payload?: unknown;
}

export interface RunSummary {
  readonly status: Exclude<RunStatus, "RUNNING">;
  readonly firstSequenceNumber: number;
  readonly nextSequenceNumber: number;
  /** Records the sink accepted. */
  readonly written: number;
  /** Records that could not be written (sink failing at close), still counted here. */
  readonly unwritten: number;
  /** Records dropped because the queue was full, or because a consumer's value could not be stored as JSON (each reported on issues). */
  readonly dropped: number;
  /** Issues reported on the run's error channel. */
  readonly issues: number;
  /** Spans started and never finished (each was also reported as an issue). */
  readonly unfinishedSpans: readonly OpenSpan[];
}

/** Internal wiring a Run needs; built by Experiment.start(). */
export interface RunParts {
  readonly experiment: string;
  readonly startedAt: number;
  readonly nextSequenceNumber: number;
  readonly clock: Clock;
  readonly events: MultiEventLog;
  readonly processor: BatchProcessor;
  readonly sink: Sink;
  readonly runId: string;
  readonly onEnd: () => Promise<void>;
  /** How long the end of the run keeps retrying a failing sink. Default DEFAULT_END_TIMEOUT_MS. */
  readonly endTimeoutMs?: number | undefined;
  /** What the sink said about metrics at openRun; undefined when it stores none. */
  readonly metrics?: MetricsOpened | undefined;
  /** A joined run's worker: its name, its block source, and its first block (which sets `nextSequenceNumber`). */
  readonly joined?: { readonly worker: string; readonly blocks: SequenceBlocks; readonly first: SequenceRange; readonly maxWaiting: number } | undefined;
}


/** `error.name` stored for a run whose records could not all be written when it ended. */
export const UNWRITTEN_ERROR_NAME = "UnwrittenRecords";
/** `error.name` stored for a run disposed (`await using`) without `complete()` or `fail()`. */
export const NOT_COMPLETED_ERROR_NAME = "NotCompleted";

/**
 * One run of an experiment: the `exp` in `experiment.run(async (exp) => ...)`.
 * `log` is synchronous and cheap: it numbers, timestamps and normalises the record,
 * hands it to the consumers, and returns; the disk or network is never awaited.
 */
export class Run implements AsyncDisposable {
  readonly experiment: string;
  readonly runId: string;
  readonly startedAt: string;
  /** The run's consumers and streams; add consumers or aggregators while it runs. */
  readonly events: MultiEventLog;
  readonly issues: IssueChannel;
  readonly firstSequenceNumber: number;
  /** This process's part of a joined run; undefined for a run of its own. */
  readonly worker: string | undefined;
  /** Hyperparameters: `exp.params.set({ lr: 0.001 })`, `exp.params.get()`. */
  readonly params: RunParams;
  /** Named metric series: `exp.metrics("train").log({ loss })`, `exp.metrics.log({ epoch, train: {...} })`. */
  readonly metrics: RunMetrics;

  readonly #clock: Clock;
  readonly #processor: BatchProcessor;
  readonly #sink: Sink;
  readonly #onEnd: () => Promise<void>;
  readonly #endTimeoutMs: number;
  #next: number;
  /**
   * The hot path's only extra test: numbering leaves the plain counter when `#next` reaches it.
   * Infinity for a run of its own; for a joined run, where the next block must be fetched,
   * or where the current block ends (or -Infinity while events wait for numbers).
   */
  #checkAt = Number.POSITIVE_INFINITY;
  /** A joined run's numbering from reserved blocks; undefined for a run of its own. */
  readonly #joined: JoinedNumbering | undefined;
  #droppedAfterEnd = 0;
  #lastTimestamp: number;
  #status: RunStatus = "RUNNING";
  #ending: Promise<RunSummary> | null = null;
  readonly #spans = new OpenSpans();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(parts: RunParts) {
    this.experiment = parts.experiment;
    this.runId = parts.runId;
    this.startedAt = new Date(parts.startedAt).toISOString();
    this.events = parts.events;
    this.issues = parts.events.issues;
    const joined = parts.joined;
    this.worker = joined?.worker;
    this.firstSequenceNumber = joined === undefined ? parts.nextSequenceNumber : joined.first.first;
    this.#next = this.firstSequenceNumber;
    this.#endTimeoutMs = parts.endTimeoutMs ?? DEFAULT_END_TIMEOUT_MS;
    if (joined === undefined) this.#joined = undefined;
    else {
      // The counter stays a field of the run (its hot path reads it directly); the numbering moves it through this view.
      const run = this;
      const counter: NumberCounter = {
        get next() {
          return run.#next;
        },
        set next(value: number) {
          run.#next = value;
        },
        get checkAt() {
          return run.#checkAt;
        },
        set checkAt(value: number) {
          run.#checkAt = value;
        },
      };
      this.#joined = new JoinedNumbering({
        counter,
        blocks: joined.blocks,
        first: joined.first,
        maxWaiting: joined.maxWaiting,
        endTimeoutMs: this.#endTimeoutMs,
        issues: this.issues,
        emit: (event) => this.events.emit(event),
        running: () => this.#status === "RUNNING",
      });
    }
    this.#lastTimestamp = parts.startedAt;
    this.#clock = parts.clock;
    this.#processor = parts.processor;
    this.#sink = parts.sink;
    this.#onEnd = parts.onEnd;
    const metricsContext = {
      experiment: parts.experiment,
      clock: parts.clock,
      issues: this.issues,
      opened: parts.metrics,
      isRunning: (what: string) => this.#acceptsAfterEnd(what),
      enqueue: (stream: string, entry: StreamEntry) => this.#processor.enqueue(stream, entry),
    };
    this.params = new RunParams(metricsContext);
    this.metrics = createRunMetrics(metricsContext);
    this.#unsubscribe.push(
      parts.events.onEntry((stream, entry) => this.#processor.enqueue(stream, entry)),
      onProcessCrash((error, origin) => this.#onCrash(error, origin)),
      onProcessExit((code, signal) => this.#onExit(code, signal)),
    );
  }

  get status(): RunStatus {
    return this.#status;
  }

  /** The number the next event will get. */
  get nextSequenceNumber(): number {
    return this.#next;
  }

  get stats(): ProcessorStats {
    return this.#processor.stats;
  }

  /** Records logged after the run ended: dropped (not stored), each reported on `issues`. */
  get droppedAfterEnd(): number {
    return this.#droppedAfterEnd;
  }

  /**
   * Logs a record and returns its sequence number. After the run ended (a stray timer, a
   * callback that outlived it) it does not throw: the record is dropped, counted in
   * `droppedAfterEnd`, reported on `issues` as a RunStateError, and -1 is returned.
   */
  log(message: string, options?: LogOptions): number {
    if (typeof message !== "string") throw new InvalidArgumentError("message", message, "must be a string");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new InvalidArgumentError("options", options, "must be an object like { level, metadata }");
    }
    return this.#emit("log", undefined, undefined, options?.level, message, options?.metadata, undefined).sequenceNumber;
  }

  debug(message: string, metadata?: LogOptions["metadata"]): number {
    return this.log(message, { level: "debug", metadata });
  }

  info(message: string, metadata?: LogOptions["metadata"]): number {
    return this.log(message, { level: "info", metadata });
  }

  warn(message: string, metadata?: LogOptions["metadata"]): number {
    return this.log(message, { level: "warn", metadata });
  }

  error(message: string, metadata?: LogOptions["metadata"]): number {
    return this.log(message, { level: "error", metadata });
  }

  fatal(message: string, metadata?: LogOptions["metadata"]): number {
    return this.log(message, { level: "fatal", metadata });
  }

  /** Creates, numbers and dispatches one event; the building block of `log` and spans. */
  emit(input: EmitInput): Event {
    return this.#emit(input.category, input.kind, input.id, input.level, input.message, input.metadata, input.payload);
  }

  // The fields of EmitInput as arguments, so `log` does not build an input object per call.
  #emit(
    category: string,
    kind: EventKind | undefined,
    id: SpanId | undefined,
    inputLevel: Level | undefined,
    inputMessage: string | undefined,
    inputMetadata: EmitInput["metadata"],
    payload: unknown,
  ): Event {
    if (this.#status !== "RUNNING") return this.#dropAfterEnd(category, kind, id, inputLevel, inputMessage, payload);
    const message = inputMessage ?? "";
    if (typeof message !== "string") throw new InvalidArgumentError("message", message, "must be a string");
    if (typeof category !== "string" || category.length === 0) {
      throw new InvalidArgumentError("category", category, "must be a non-empty string");
    }
    const level = inputLevel === undefined ? DEFAULT_LEVEL : parseLevel(inputLevel);
    const metadata: JsonObject | null = normalizeMetadata(inputMetadata);
    let timestamp = this.#clock.now();
    if (timestamp < this.#lastTimestamp) timestamp = this.#lastTimestamp;
    else this.#lastTimestamp = timestamp;
    if (this.#next >= this.#checkAt) {
      const joined = this.#joined;
      if (joined !== undefined && !joined.ready()) {
        return joined.wait({ timestamp, monotonic: this.#clock.monotonic(), category, kind: kind ?? "point", id, level, message, metadata, payload });
      }
    }
    const event: Event = {
      sequenceNumber: this.#next++,
      timestamp,
      monotonic: this.#clock.monotonic(),
      category,
      kind: kind ?? "point",
      id,
      level,
      message,
      metadata,
      payload,
    };
    this.events.emit(event);
    return event;
  }

  // Metric points and parameters after the end are dropped and counted like log events, for
  // the same reason: the caller cannot see that the run ended.
  #acceptsAfterEnd(what: string): boolean {
    if (this.#status === "RUNNING") return true;
    this.#countAfterEnd(what);
    return false;
  }

  #countAfterEnd(what: string): void {
    this.#droppedAfterEnd++;
    this.issues.report(
      "run",
      "after end",
      new RunStateError(
        `${what} in run ${this.runId} of ${JSON.stringify(this.experiment)} after it ended (${this.#status}): dropped (${this.#droppedAfterEnd} so far)`,
      ),
    );
  }

  // A logger must not take its host down for a state the caller cannot see (the run ended
  // under a timer's feet): the event is not numbered, stored or dispatched, only counted.
  #dropAfterEnd(
    category: string,
    kind: EventKind | undefined,
    id: SpanId | undefined,
    level: Level | undefined,
    message: string | undefined,
    payload: unknown,
  ): Event {
    this.#countAfterEnd(`a ${category} event`);
    return {
      sequenceNumber: -1,
      timestamp: this.#lastTimestamp,
      monotonic: this.#clock.monotonic(),
      category,
      kind: kind ?? "point",
      id,
      level: level ?? DEFAULT_LEVEL,
      message: typeof message === "string" ? message : "",
      metadata: null,
      payload,
    };
  }

  /**
   * Emits the `start` event of a timespan. `category` groups spans (e.g. `epoch`, `io`);
   * `id` pairs the start with its `finish`. Starting a span that is already open is
   * reported on `issues` (the event is still recorded).
   */
  start(category: string, id: SpanId, options: SpanOptions = {}): Event {
    const duplicate = this.#spans.has(category, id);
    const event = this.#spanEvent("start", category, id, options);
    if (duplicate) {
      this.issues.report("run", "span", new Error(`span ${category}/${String(id)} started again before it finished`), event.sequenceNumber);
    }
    this.#spans.add({ category, id, sequenceNumber: event.sequenceNumber, monotonic: event.monotonic });
    return event;
  }

  /** Emits the `finish` event of a timespan; a finish without a start is reported on `issues` (and still recorded). */
  finish(category: string, id: SpanId, options: SpanOptions = {}): Event {
    const event = this.#spanEvent("finish", category, id, options);
    if (this.#spans.take(category, id) === undefined) {
      this.issues.report("run", "span", new Error(`span ${category}/${String(id)} finished but was never started`), event.sequenceNumber);
    }
    return event;
  }

  /**
   * Runs `fn` between a start and a finish event and returns its result; async functions
   * are awaited. When `fn` throws, the finish event has level `error` and the error in its
   * metadata, and the error is rethrown.
   */
  span<T>(category: string, id: SpanId, fn: () => T, options: SpanOptions = {}): T {
    this.start(category, id, options);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#finishFailed(category, id, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          this.finish(category, id);
          return value;
        },
        (error: unknown) => {
          this.#finishFailed(category, id, error);
          throw error;
        },
      ) as T;
    }
    this.finish(category, id);
    return result;
  }

  /** Spans started and not yet finished. */
  get openSpans(): readonly OpenSpan[] {
    return this.#spans.list();
  }

  #spanEvent(kind: "start" | "finish", category: string, id: SpanId, options: SpanOptions): Event {
    if (typeof id !== "string" && typeof id !== "number") {
      throw new InvalidArgumentError("span id", id, "must be a string or a number");
    }
    return this.emit({
      category,
      kind,
      id,
      level: options.level ?? "debug",
      message: options.message ?? `${kind} ${category} ${String(id)}`,
      metadata: options.metadata,
      payload: options.payload,
    });
  }

  #finishFailed(category: string, id: SpanId, error: unknown): void {
    if (this.#status !== "RUNNING") return;
    const summary = errorSummary(error);
    this.finish(category, id, { level: "error", metadata: { error_type: summary.name, error_message: summary.message } });
  }

  /** Hands everything logged so far to the sink's `write`, then calls the sink's `flush()` (if it has one). */
  async flush(): Promise<void> {
    await this.#processor.flush();
    try {
      await this.#sink.flush?.();
    } catch (error) {
      this.issues.report("sink", "flush", error);
    }
  }

  /** Ends the run as COMPLETED once everything is written. Calling it again returns the same summary. */
  complete(): Promise<RunSummary> {
    return this.#end("COMPLETED");
  }

  /** Logs `error` at level `error`, then ends the run as FAILED. */
  fail(error: unknown): Promise<RunSummary> {
    if (this.#status === "RUNNING" && this.#ending === null) this.#logFailure("Run failed", error, "error");
    return this.#end("FAILED", error);
  }

  /**
   * `await using exp = await experiment.start()` ends the run here. JavaScript does not tell a
   * disposer whether its block threw, so disposal alone never counts as success: call
   * `await exp.complete()` as the block's last statement. A run disposed without `complete()`
   * or `fail()` (the block threw, or returned early) is recorded FAILED, error `NotCompleted`.
   */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#ending !== null || this.#status !== "RUNNING") return this.#ending?.then(() => undefined) ?? Promise.resolve();
    const error = new Error("the run was disposed without complete() or fail(): its block ended early, by an exception or a return");
    error.name = NOT_COMPLETED_ERROR_NAME;
    this.#logFailure("Run not completed", error, "error");
    return this.#end("FAILED", error).then(() => undefined);
  }

  #end(status: Exclude<RunStatus, "RUNNING">, error?: unknown): Promise<RunSummary> {
    this.#ending ??= this.#finish(status, error);
    return this.#ending;
  }

  async #finish(status: Exclude<RunStatus, "RUNNING">, error: unknown): Promise<RunSummary> {
    const unfinishedSpans = this.#spans.list();
    for (const span of unfinishedSpans) {
      this.issues.report(
        "run",
        "span",
        new Error(`span ${span.category}/${String(span.id)} (started at event ${span.sequenceNumber}) never finished before the run ended`),
        span.sequenceNumber,
      );
    }
    // A joined run's waiting events were logged while RUNNING: they are numbered before the end.
    // A run of its own does not await here, so its status changes in this very tick, as always.
    this.#pendingStatus = status;
    this.#endError = error;
    const unused = this.#joined === undefined ? undefined : await this.#joined.settle();
    this.#status = status;
    const stats = await this.#processor.close(this.#endTimeoutMs);
    if (stats.queued > 0) {
      // The stored status must not say all was well: the run's code may have completed, its log did not.
      const lost = new Error(`${stats.queued} record(s) could not be written: the sink kept failing for ${this.#endTimeoutMs} ms after the run ended (see issues)`);
      lost.name = UNWRITTEN_ERROR_NAME;
      this.issues.report("sink", "end", lost);
      if (status === "COMPLETED") {
        status = "FAILED";
        error = lost;
        this.#status = status;
        this.#endError = error;
      }
    }
    this.#runClosed = true;
    try {
      await this.#sink.closeRun?.({
        ...this.#ended(status, error),
        ...(stats.queued > 0 ? { unwritten: stats.queued } : {}),
        ...(unused === undefined ? {} : { unusedSequenceNumbers: unused }),
      });
    } catch (closeError) {
      this.issues.report("sink", "closeRun", closeError);
    }
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.events.close();
    await this.#onEnd();
    return {
      status,
      firstSequenceNumber: this.firstSequenceNumber,
      nextSequenceNumber: this.#next,
      written: stats.written,
      unwritten: stats.queued,
      dropped: stats.dropped + (this.#joined?.dropped ?? 0),
      issues: this.issues.count(),
      unfinishedSpans,
    };
  }

  #ended(status: Exclude<RunStatus, "RUNNING">, error: unknown): RunEnded {
    return {
      experiment: this.experiment,
      runId: this.runId,
      startedAt: this.startedAt,
      status,
      endedAt: new Date(Math.max(this.#clock.now(), this.#lastTimestamp)).toISOString(),
      firstSequenceNumber: this.firstSequenceNumber,
      nextSequenceNumber: this.#next,
      ...(this.worker === undefined ? {} : { worker: this.worker }),
      ...(error === undefined ? {} : { error: errorSummary(error) }),
    };
  }

  #logFailure(prefix: string, error: unknown, level: Level): void {
    const summary = errorSummary(error);
    try {
      this.log(`${prefix}: ${summary.name}: ${summary.message}`, {
        level,
        metadata: {
          error_type: summary.name,
          error_message: summary.message,
          ...(error instanceof Error && typeof error.stack === "string" ? { stack: error.stack } : {}),
        },
      });
    } catch (logError) {
      this.issues.report("run", "fail", logError);
    }
  }

  #onCrash(error: unknown, origin: string): void {
    if (this.#status !== "RUNNING" || this.#ending !== null) return;
    const what = origin === "unhandledRejection" ? "Unhandled rejection" : "Uncaught exception";
    this.#logFailure(what, error, "fatal");
    this.#crashError = error;
  }

  #crashError: unknown = undefined;
  /** The error fail() was given, for a run whose end is recorded at exit. */
  #endError: unknown = undefined;
  /** closeRun was called: the sink has (or is recording) the run's end. */
  #runClosed = false;
  /** The status `complete()` / `fail()` will store, while a joined run still numbers its waiting events. */
  #pendingStatus: Exclude<RunStatus, "RUNNING"> | undefined = undefined;

  // Exit handlers must be synchronous: write what is queued and record the status now.
  #onExit(code: number, signal?: NodeJS.Signals): void {
    if (this.#status !== "RUNNING" || this.#ending !== null) {
      this.#processor.flushSync();
      // complete() or fail() was still writing when the process exited (e.g. not awaited before
      // process.exit()): its closeRun will never run, so record the end now, or the run would
      // stay RUNNING and its lock would be left behind.
      const ending = this.#status !== "RUNNING" ? this.#status : this.#pendingStatus;
      if (this.#ending !== null && !this.#runClosed && ending !== undefined) {
        if (this.#status === "RUNNING" && this.#joined !== undefined) {
          this.#joined.numberWaiting(true);
          this.#joined.dropUnnumbered();
          this.#processor.flushSync();
        }
        this.#runClosed = true;
        this.#closeRunSync(ending, this.#endError);
      }
      return;
    }
    const failed = code !== 0 || this.#crashError !== undefined;
    if (failed && this.#crashError === undefined) {
      if (signal === undefined) {
        const why = code === 13 ? " (a top-level await never settled)" : "";
        this.#logFailure("Process exited", new Error(`process exited with code ${code}${why} while the run was RUNNING`), "fatal");
      } else {
        // The run's status carries it too: nothing else will say why the run ended.
        const interrupted = new Error(`the process received ${signal} while the run was RUNNING`);
        interrupted.name = "Interrupted";
        this.#crashError = interrupted;
        this.#logFailure("Process interrupted", interrupted, "fatal");
      }
    }
    let status: Exclude<RunStatus, "RUNNING"> = failed ? "FAILED" : "COMPLETED";
    if (this.#joined !== undefined) {
      this.#joined.numberWaiting(true);
      this.#joined.dropUnnumbered();
    }
    this.#status = status;
    const lost = this.#processor.flushSync();
    let error = this.#crashError;
    if (lost > 0) {
      process.stderr.write(`dashlog: ${lost} record(s) of ${this.experiment} could not be written at exit\n`);
      if (status === "COMPLETED") {
        // The stored status must not say all was well.
        status = "FAILED";
        this.#status = status;
        error = new Error(`${lost} record(s) could not be written at exit`);
        (error as Error).name = UNWRITTEN_ERROR_NAME;
      }
    }
    this.#closeRunSync(status, error);
  }

  #closeRunSync(status: Exclude<RunStatus, "RUNNING">, error: unknown): void {
    try {
      const unused = this.#joined?.unused();
      this.#sink.closeRunSync?.({ ...this.#ended(status, error), ...(unused === undefined ? {} : { unusedSequenceNumbers: unused }) });
    } catch (closeError) {
      process.stderr.write(`dashlog: could not record the status of ${this.experiment} at exit: ${String(closeError)}\n`);
    }
  }
}

export function newRunId(): string {
  return randomUUID();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function errorSummary(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
