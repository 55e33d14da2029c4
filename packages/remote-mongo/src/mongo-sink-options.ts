import type { IssueListener } from "@dashlog/core";
import { z } from "zod";
import { resolveConnection, parseWith, type MongoConnectionOptions, type ResolvedConnection } from "./mongo-options.js";
import { DEFAULT_SPOOL_DIR } from "./spool-paths.js";

export interface MongoSinkOptions extends MongoConnectionOptions {
  /** Most documents in one `insertMany`. Default 1,000. */
  readonly batchSize?: number;
  /**
   * Most `insertMany` calls waiting for MongoDB at once. With 2 (the default) the next batch
   * is built and serialised while the server works on the previous one, and a round trip to
   * a distant server is not paid for every batch; 1 sends one batch at a time. Default 2.
   */
  readonly maxConcurrentInserts?: number;
  /** How long a partial batch waits for more records before it is sent. Default 100 ms. */
  readonly flushIntervalMs?: number;
  /** Records held in memory while MongoDB is slow or down; beyond it, records go to the spool on disk. Default 100,000. */
  readonly maxQueueLength?: number;
  /**
   * Longest a record waits in memory for MongoDB before the whole queue moves to the spool on
   * disk (and new records follow it there until the spool is replayed). It bounds what a crash
   * that runs no exit handler (SIGKILL, out of memory) can lose during an outage or a backlog:
   * the records of core's last flush interval plus this. 0 spools every record that is not in
   * MongoDB at the next check. Default 1,000 ms.
   */
  readonly spillAfterMs?: number;
  /** Folder for the spool (`pending/`, `rejected/`). Default `.dash/.mongo-spool`. */
  readonly spoolDir?: string;
  /** First wait before a retry; it doubles up to `retryMaxDelayMs`. Default 100 ms. */
  readonly retryInitialDelayMs?: number;
  /** Default 5,000 ms. */
  readonly retryMaxDelayMs?: number;
  /** How long `flush()` (and so the end of a run) waits for MongoDB before moving what is queued to the spool. Default 5,000 ms. */
  readonly flushTimeoutMs?: number;
  /** How long `close()` keeps trying to drain memory and spool into MongoDB. Default 10,000 ms. */
  readonly closeTimeoutMs?: number;
  /** How long an experiment's lock lasts without renewal (it is renewed every third of it while the run lasts). Default 60,000 ms. */
  readonly lockLeaseMs?: number;
  /** Receives every retry, spill, replay and rejected record. Without one, the first of each kind is printed as a warning. */
  readonly onIssue?: IssueListener;
}

export interface ResolvedSinkOptions {
  readonly connection: ResolvedConnection;
  readonly batchSize: number;
  readonly maxConcurrentInserts: number;
  readonly flushIntervalMs: number;
  readonly maxQueueLength: number;
  readonly spillAfterMs: number;
  readonly spoolDir: string;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly flushTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly lockLeaseMs: number;
  readonly onIssue: IssueListener | undefined;
}

const positiveInt = z.number().int().positive();
const duration = z.number().nonnegative().finite();

const sinkSchema = z
  .object({
    batchSize: positiveInt.max(100_000).optional(),
    maxConcurrentInserts: positiveInt.max(16).optional(),
    flushIntervalMs: duration.optional(),
    maxQueueLength: positiveInt.optional(),
    spillAfterMs: duration.optional(),
    spoolDir: z.string().min(1).optional(),
    retryInitialDelayMs: z.number().positive().finite().optional(),
    retryMaxDelayMs: z.number().positive().finite().optional(),
    flushTimeoutMs: duration.optional(),
    closeTimeoutMs: duration.optional(),
    lockLeaseMs: z.number().positive().finite().optional(),
    onIssue: z.custom<IssueListener>((v) => typeof v === "function", { message: "must be a function (issue) => void" }).optional(),
  })
  .passthrough();

const KNOWN = new Set([
  "uri",
  "database",
  "collections",
  "clientOptions",
  "batchSize",
  "maxConcurrentInserts",
  "flushIntervalMs",
  "maxQueueLength",
  "spillAfterMs",
  "spoolDir",
  "retryInitialDelayMs",
  "retryMaxDelayMs",
  "flushTimeoutMs",
  "closeTimeoutMs",
  "lockLeaseMs",
  "onIssue",
]);

/** Checks every option once, at construction: errors name the option and its value (never the password). */
export function resolveSinkOptions(options: MongoSinkOptions): ResolvedSinkOptions {
  if (typeof options !== "object" || options === null) {
    return parseWith(z.object({}), options, "mongoSink") as never;
  }
  const unknown = Object.keys(options).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) parseWith(z.strictObject({}), Object.fromEntries(unknown.map((k) => [k, true])), "mongoSink");
  const connection = resolveConnection(
    {
      uri: options.uri,
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(options.collections === undefined ? {} : { collections: options.collections }),
      ...(options.clientOptions === undefined ? {} : { clientOptions: options.clientOptions }),
    },
    "mongoSink",
  );
  const parsed = parseWith(sinkSchema, options, "mongoSink");
  return {
    connection,
    batchSize: parsed.batchSize ?? 1000,
    maxConcurrentInserts: parsed.maxConcurrentInserts ?? 2,
    flushIntervalMs: parsed.flushIntervalMs ?? 100,
    maxQueueLength: parsed.maxQueueLength ?? 100_000,
    spillAfterMs: parsed.spillAfterMs ?? 1000,
    spoolDir: parsed.spoolDir ?? DEFAULT_SPOOL_DIR,
    retryInitialDelayMs: parsed.retryInitialDelayMs ?? 100,
    retryMaxDelayMs: parsed.retryMaxDelayMs ?? 5000,
    flushTimeoutMs: parsed.flushTimeoutMs ?? 5000,
    closeTimeoutMs: parsed.closeTimeoutMs ?? 10_000,
    lockLeaseMs: parsed.lockLeaseMs ?? 60_000,
    onIssue: parsed.onIssue,
  };
}
