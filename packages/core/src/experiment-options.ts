import { z } from "zod";
import type { Aggregator } from "./aggregator.js";
import type { Clock } from "./clock.js";
import type { Consumer } from "./consumer.js";
import { InvalidArgumentError } from "./errors.js";
import type { IssueListener } from "./issues.js";
import { isSink, type Sink } from "./sink.js";
import { WORKER_NAME_PATTERN, WORKER_NAME_RULE } from "./worker-identity.js";

export interface ExperimentOptions {
  /** Where the experiment lives, e.g. `alice/project/my-experiment` (see `validatePrefix`). */
  readonly prefix: string;
  /** Where records go. Default: `localJsonl()` from `@dashlog/local-jsonl`, writing under `.dash/`. */
  readonly sink?: Sink;
  /** Extra consumers by stream name, e.g. `{ bytes: bytesAllocated() }`. Each run gets a fresh copy. */
  readonly consumers?: Readonly<Record<string, Consumer>>;
  /** Aggregators by name, e.g. `{ window: logWindow({ windowMs: 60_000 }) }`. */
  readonly aggregators?: Readonly<Record<string, Aggregator>>;
  /** Receives every issue (consumer threw, sink failed, ...). Without one, the first of each is printed. */
  readonly onIssue?: IssueListener;
  readonly clock?: Clock;
  /** How long records may wait before a write. Default 100 ms. */
  readonly flushIntervalMs?: number;
  /** Write as soon as this many records wait. Default 1,000. */
  readonly batchSize?: number;
  /** Records held while the sink is slow or failing; beyond it, records are dropped and counted. Default 100,000. */
  readonly maxQueueLength?: number;
  /**
   * How long the end of a run (`complete()`, `fail()`, the end of `run(fn)`) keeps retrying a
   * sink that fails, before it gives up on the records still queued: they are then offered to
   * the sink's `writeSync` once, and whatever is left is counted as `unwritten`, the run is
   * stored FAILED (error `UnwrittenRecords`), and `run(fn)` rejects with UnwrittenRecordsError.
   * Default 10,000 ms.
   */
  readonly endTimeoutMs?: number;
  /** Entries each in-memory stream keeps for aggregators and `exp.events`; older ones are evicted and counted. Default 1,000. */
  readonly retain?: number;
  /**
   * Joins a run shared by several processes: every process passing the same `runId` (or
   * inheriting `DASHLOG_RUN_ID`) writes one run of the experiment, each as its own `worker`.
   * Without it (and without `DASHLOG_RUN_ID`) the run is this process's alone, as always.
   */
  readonly runId?: string;
  /** This process's part of a joined run. Default: `RANK` when set (torch.distributed and most launchers), else `hostname:pid`. */
  readonly worker?: string;
  /** Sequence numbers a worker of a joined run reserves at a time. Default: 4 × `batchSize`. */
  readonly sequenceBlockSize?: number;
}

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === "function", { message: `must be ${what}` });

const positiveInt = z.number().int().positive();

const WORKER_NAME = WORKER_NAME_PATTERN;
const NAME_RULE = WORKER_NAME_RULE;

// Validated once, when the Experiment is built: never on the logging path.
const experimentOptionsSchema = z.strictObject({
  prefix: z.string(),
  sink: z.custom<Sink>(isSink, { message: "must be a sink: an object with a write(batches) method" }).optional(),
  consumers: z.record(z.string(), fn("a consumer function (event) => value")).optional(),
  aggregators: z.record(z.string(), fn("an aggregator function (context) => void")).optional(),
  onIssue: fn("a function (issue) => void").optional(),
  clock: z
    .custom<Clock>(
      (v) =>
        typeof v === "object" &&
        v !== null &&
        typeof (v as Clock).now === "function" &&
        typeof (v as Clock).monotonic === "function",
      { message: "must have now() and monotonic() methods" },
    )
    .optional(),
  flushIntervalMs: z.number().positive().finite().optional(),
  batchSize: positiveInt.optional(),
  maxQueueLength: positiveInt.optional(),
  endTimeoutMs: z.number().nonnegative().finite().optional(),
  retain: positiveInt.or(z.literal(Number.POSITIVE_INFINITY)).optional(),
  runId: z.string().regex(WORKER_NAME, { message: NAME_RULE }).optional(),
  worker: z.string().regex(WORKER_NAME, { message: NAME_RULE }).optional(),
  sequenceBlockSize: positiveInt.max(1_000_000_000).optional(),
});

/** Checks options once at construction and throws InvalidArgumentError naming the option and its value. */
export function parseExperimentOptions(options: unknown): ExperimentOptions {
  const result = experimentOptionsSchema.safeParse(options);
  if (result.success) return result.data as ExperimentOptions;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new InvalidArgumentError("Experiment options", options, "are invalid");
  if (issue.code === "unrecognized_keys") {
    throw new InvalidArgumentError("Experiment options", issue.keys.join(", "), "include an unknown option");
  }
  const path = issue.path.map(String);
  let value: unknown = options;
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  const field = path.length === 0 ? "Experiment options" : `Experiment option ${path.join(".")}`;
  const reason = issue.message.startsWith("must") ? issue.message : `is invalid (${issue.message.replace(/^Invalid input: /, "").toLowerCase()})`;
  throw new InvalidArgumentError(field, value, reason);
}
