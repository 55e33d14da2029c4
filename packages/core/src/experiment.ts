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
import { SequenceBlocks } from "./sequence-blocks.js";
import type { RunInfo, RunOpened, SequenceRange, Sink } from "./sink.js";
import { resolveWorkerIdentity, type WorkerIdentity } from "./worker-identity.js";

/**
 * Entries each in-memory stream of a run keeps. Small on purpose: an entry kept longer than
 * the young generation's collection interval (about 10,000 records in a tight loop) is
 * promoted to the old generation, and at 10,000 that doubled a logging process's peak
 * memory and added a fifth to its time. The sink gets every entry whatever this is.
 */
export const DEFAULT_RETAIN = 1_000;

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
  /** This process's worker name; used only when the run is joined (`runId`). */
  readonly worker: string;
  /** The run this process joins (`runId` option or `DASHLOG_RUN_ID`); undefined for runs of its own. */
  readonly runId: string | undefined;
  readonly #options: ExperimentOptions;
  #current: Run | null = null;

  constructor(options: ExperimentOptions) {
    const parsed = parseExperimentOptions(options);
    this.prefix = validatePrefix(parsed.prefix);
    if (parsed.consumers !== undefined && Object.hasOwn(parsed.consumers, LOGS_STREAM)) {
      throw new InvalidArgumentError("Experiment option consumers.logs", parsed.consumers[LOGS_STREAM], "is reserved for the built-in log records");
    }
    this.#options = parsed;
    const identity: WorkerIdentity = resolveWorkerIdentity(parsed);
    this.worker = identity.worker;
    this.runId = identity.runId;
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
    const joined = this.runId !== undefined;
    const runId = this.runId ?? newRunId();
    const issues = new IssueChannel();
    if (options.onIssue !== undefined) issues.on(options.onIssue);
    const events = new MultiEventLog({ maxStreamLength: options.retain ?? DEFAULT_RETAIN, issues });
    let opened: RunOpened;
    let info: RunInfo;
    try {
      // The consumers are set up before the sink is touched: a bad one (a stream name that is
      // not a safe file name, a fresh() that throws) must fail start() without taking the
      // experiment's lock or recording a run that never ran.
      events.set(LOGS_STREAM, logRecords(joined ? this.worker : undefined));
      for (const [name, consumer] of Object.entries(options.consumers ?? {})) events.set(name, freshConsumer(consumer));
      for (const [name, aggregator] of Object.entries(options.aggregators ?? {})) {
        events.setAggregator(name, freshAggregator(aggregator));
      }
      if (joined && sink.reserveSequenceNumbers === undefined) {
        throw new InvalidArgumentError("Experiment option sink", sink, "cannot join a run shared by several workers (runId): it has no reserveSequenceNumbers()");
      }
      info = {
        experiment: this.prefix,
        runId,
        startedAt: new Date(startedAt).toISOString(),
        ...(joined ? { worker: this.worker } : {}),
      };
      opened = (await sink.openRun?.(info)) ?? { nextSequenceNumber: 0 };
    } catch (error) {
      events.close();
      throw error;
    }
    let blocks: SequenceBlocks | undefined;
    let first: SequenceRange | undefined;
    if (joined) {
      const blockSize = options.sequenceBlockSize ?? 4 * (options.batchSize ?? 1000);
      blocks = new SequenceBlocks(sink, info, blockSize, issues);
      try {
        first = await blocks.first();
      } catch (error) {
        events.close();
        await sink.closeRun?.({ ...info, status: "FAILED", endedAt: new Date(clock.now()).toISOString(), firstSequenceNumber: 0, nextSequenceNumber: 0, error: { name: "NoSequenceNumbers", message: String(error) } });
        throw error;
      }
    }
    const next = opened.nextSequenceNumber;
    if (!Number.isSafeInteger(next) || next < 0) {
      throw new InvalidArgumentError("sink.openRun() nextSequenceNumber", next, "must be a non-negative integer");
    }
    const processor = new BatchProcessor({
      sink,
      experiment: this.prefix,
      ...(joined ? { worker: this.worker } : {}),
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
      metrics: opened.metrics,
      onEnd: async () => {
        if (ownsSink) await sink.close?.();
      },
      endTimeoutMs: options.endTimeoutMs,
      joined:
        blocks === undefined || first === undefined
          ? undefined
          : { worker: this.worker, blocks, first, maxWaiting: options.maxQueueLength ?? 100_000 },
    });
    this.#current = run;
    return run;
  }
}
