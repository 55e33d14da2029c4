import { freshAggregator } from "./aggregator.js";
import { BatchProcessor } from "./batch-processor.js";
import { systemClock } from "./clock.js";
import { freshConsumer } from "./consumer.js";
import { loadDefaultSink } from "./default-sink.js";
import { InvalidArgumentError, RunStateError, UnwrittenRecordsError } from "./errors.js";
import { parseExperimentOptions, type ExperimentOptions } from "./experiment-options.js";
import { IssueChannel } from "./issues.js";
import { LOGS_STREAM, logRecords } from "./log-records.js";
import { MultiEventLog } from "./multi-event-log.js";
import { validatePrefix } from "./prefix.js";
import { Run, newRunId } from "./run.js";
import type { RunOpened, Sink } from "./sink.js";

export const DEFAULT_RETAIN = 10_000;

/**
 * An experiment, named by its prefix. Each `run(fn)` (or `start()`) is one run: it is
 * RUNNING while it lasts, then COMPLETED, or FAILED when `fn` throws (the error is logged
 * at level `error`, then rethrown). Sequence numbers continue where the previous run of
 * the same prefix stopped.
 *
 * ```ts
 * const experiment = new Experiment({ prefix: "alice/project/my-experiment" });
 * await experiment.run(async (exp) => {
 *   exp.log("Training started");
 *   exp.log("GPU memory low", { level: "warn" });
 * });
 * ```
 */
export class Experiment {
  readonly prefix: string;
  readonly #options: ExperimentOptions;
  #current: Run | null = null;

  constructor(options: ExperimentOptions) {
    const parsed = parseExperimentOptions(options);
    this.prefix = validatePrefix(parsed.prefix);
    if (parsed.consumers !== undefined && Object.hasOwn(parsed.consumers, LOGS_STREAM)) {
      throw new InvalidArgumentError("Experiment option consumers.logs", parsed.consumers[LOGS_STREAM], "is reserved for the built-in log records");
    }
    this.#options = parsed;
  }

  /** The run in progress, if any. */
  get currentRun(): Run | null {
    return this.#current?.status === "RUNNING" ? this.#current : null;
  }

  /**
   * Runs `fn` as one run of the experiment and returns what it returns. If some records could
   * not be written (the sink kept failing for `endTimeoutMs` after `fn` returned), it rejects
   * with UnwrittenRecordsError (its `result` holds what `fn` returned) instead.
   */
  async run<T>(fn: (exp: Run) => T | Promise<T>): Promise<T> {
    const run = await this.start();
    let result: T;
    try {
      result = await fn(run);
    } catch (error) {
      await run.fail(error);
      throw error;
    }
    const summary = await run.complete();
    if (summary.unwritten > 0) throw new UnwrittenRecordsError(this.prefix, summary.unwritten, summary, result);
    return result;
  }

  /** Starts a run; end it with `complete()`, `fail(error)`, or `await using`. */
  async start(): Promise<Run> {
    if (this.currentRun !== null) {
      throw new RunStateError(`experiment ${JSON.stringify(this.prefix)} already has a run in progress (${this.#current?.runId})`);
    }
    const options = this.#options;
    const ownsSink = options.sink === undefined;
    const sink: Sink = options.sink ?? (await loadDefaultSink());
    const clock = options.clock ?? systemClock;
    const startedAt = clock.now();
    const runId = newRunId();
    const issues = new IssueChannel();
    if (options.onIssue !== undefined) issues.on(options.onIssue);
    const events = new MultiEventLog({ maxStreamLength: options.retain ?? DEFAULT_RETAIN, issues });
    let opened: RunOpened;
    try {
      // The consumers are set up before the sink is touched: a bad one (a stream name that is
      // not a safe file name, a fresh() that throws) must fail start() without taking the
      // experiment's lock or recording a run that never ran.
      events.set(LOGS_STREAM, logRecords());
      for (const [name, consumer] of Object.entries(options.consumers ?? {})) events.set(name, freshConsumer(consumer));
      for (const [name, aggregator] of Object.entries(options.aggregators ?? {})) {
        events.setAggregator(name, freshAggregator(aggregator));
      }
      opened = (await sink.openRun?.({
        experiment: this.prefix,
        runId,
        startedAt: new Date(startedAt).toISOString(),
      })) ?? { nextSequenceNumber: 0 };
    } catch (error) {
      events.close();
      throw error;
    }
    const next = opened.nextSequenceNumber;
    if (!Number.isSafeInteger(next) || next < 0) {
      throw new InvalidArgumentError("sink.openRun() nextSequenceNumber", next, "must be a non-negative integer");
    }
    const processor = new BatchProcessor({
      sink,
      experiment: this.prefix,
      issues,
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.maxQueueLength === undefined ? {} : { maxQueueLength: options.maxQueueLength }),
    });
    const run = new Run({
      experiment: this.prefix,
      runId,
      startedAt,
      nextSequenceNumber: next,
      clock,
      events,
      processor,
      sink,
      onEnd: async () => {
        if (ownsSink) await sink.close?.();
      },
      endTimeoutMs: options.endTimeoutMs,
    });
    this.#current = run;
    return run;
  }
}
