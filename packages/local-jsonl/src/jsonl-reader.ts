import {
  compileFilter,
  mergeBySequence,
  readByWorker,
  InvalidArgumentError,
  type FollowOptions,
  type ReadOptions,
  type RecordReader,
  type RunState,
  type StoredRecord,
} from "@dashlog/core";
import { checkChunkSize } from "./chunk-size.js";
import { followRecords } from "./follow-records.js";
import { recordSchemaFor } from "./line-parser.js";
import { DEFAULT_ROOT, streamFile, workersFile } from "./paths.js";
import { readWorkerParts } from "./workers-file.js";
import { readRecords } from "./read-records.js";
import { readRunStates } from "./run-states.js";
import { tailRecords } from "./tail-records.js";

/** How often follow() looks at the file when no change notification arrives. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** setTimeout's limit; a longer delay would fire at once. */
const MAX_POLL_INTERVAL_MS = 2_147_483_647;

export interface JsonlReaderOptions {
  /** The folder holding the experiments, as given to the sink. Default `.dash`. */
  readonly root?: string | undefined;
  /** Bytes read per step. Default 64 KiB; memory per read is about one chunk plus one line. */
  readonly chunkSize?: number | undefined;
}

/**
 * Reads the JSONL files the local sink writes (`<root>/<prefix>/logs/<stream>.jsonl`).
 * Every line is validated; a bad one is reported through `onIssue` with its line number and
 * skipped, so one broken line never costs the rest of the file.
 */
export class JsonlReader implements RecordReader {
  readonly root: string;
  readonly chunkSize: number;

  constructor(options: JsonlReaderOptions = {}) {
    const root = options.root ?? DEFAULT_ROOT;
    if (typeof root !== "string" || root.length === 0) {
      throw new InvalidArgumentError("root", root, "must be a non-empty folder path");
    }
    this.root = root;
    this.chunkSize = checkChunkSize(options.chunkSize);
  }

  /** Every matching record, oldest first. Options are checked now, not at the first `next()`. */
  read(prefix: string, options: ReadOptions = {}): AsyncGenerator<StoredRecord, void, undefined> {
    const filter = compileFilter(options);
    const path = streamFile(this.root, prefix, filter.stream);
    return readRecords(path, recordSchemaFor(filter.stream), filter, {
      chunkSize: this.chunkSize,
      signal: options.signal,
      onIssue: options.onIssue,
    });
  }

  /**
   * Every matching record in sequence order, also for a joined run, whose workers append to
   * the same file in batches (each worker's records in order, the file's not). Merges one
   * read per worker (plus one for records without a worker): memory stays one record per
   * worker, at the price of reading the file once per worker. With `worker` set, or without
   * joined runs, it is `read()`.
   */
  readMerged(prefix: string, options: ReadOptions = {}): AsyncGenerator<StoredRecord, void, undefined> {
    compileFilter(options);
    if (options.worker !== undefined) return this.read(prefix, options);
    return this.#merged(prefix, options);
  }

  async *#merged(prefix: string, options: ReadOptions): AsyncGenerator<StoredRecord, void, undefined> {
    const workers = await this.workers(prefix);
    if (workers.length === 0) {
      yield* this.read(prefix, options);
      return;
    }
    // Issues are the file's, not the merge's: reported once, by the pass over unattributed records.
    const quiet = { ...options, onIssue: undefined };
    const sources = workers.map((worker) => this.read(prefix, { ...quiet, worker }));
    sources.push(withoutWorker(this.read(prefix, options)));
    yield* mergeBySequence(sources);
  }

  /**
   * The per-worker view (the seed's `fetch_logs!(ctx)[w]`): every worker that joined a run of
   * the experiment, with its matching records in order. Holds them all in memory: filter
   * (`fromSequence`, `since`, `level`) on a large experiment.
   */
  byWorker(prefix: string, options: ReadOptions = {}): Promise<Map<string, StoredRecord[]>> {
    return readByWorker(this, prefix, options);
  }


  /** Names of the workers that joined any run of the experiment, in the order they first joined. */
  async workers(prefix: string): Promise<string[]> {
    const names = new Set<string>();
    for (const parts of (await readWorkerParts(workersFile(this.root, prefix))).values()) for (const part of parts) names.add(part.worker);
    return [...names];
  }

  /**
   * The last `n` matching records, oldest first, read backwards from the end of the file.
   * Rejects with the signal's reason when aborted (a partial tail would look complete).
   */
  async tail(prefix: string, n: number, options: ReadOptions = {}): Promise<StoredRecord[]> {
    const count = checkCount(n, "n");
    const filter = compileFilter(options);
    const path = streamFile(this.root, prefix, filter.stream);
    options.signal?.throwIfAborted();
    const { records } = await tailRecords(path, count, recordSchemaFor(filter.stream), filter, {
      chunkSize: this.chunkSize,
      signal: options.signal,
      onIssue: options.onIssue,
      completeLinesOnly: false,
    });
    return records;
  }

  /**
   * Every run of the experiment, oldest first, with its effective status: `effectiveStatus`
   * is CRASHED (and `crashed` true, `crashReason` saying why) for a run stored RUNNING whose
   * writer is gone, or whose end a later run recorded as crashed.
   */
  runs(prefix: string): Promise<RunState[]> {
    return readRunStates(this.root, prefix);
  }

  /** Matching records already there (or the last `options.tail`), then new ones, until `options.signal` aborts. */
  follow(prefix: string, options: FollowOptions = {}): AsyncGenerator<StoredRecord, void, undefined> {
    const filter = compileFilter(options);
    const path = streamFile(this.root, prefix, filter.stream);
    const pollIntervalMs = checkPollInterval(options.pollIntervalMs);
    const tail = options.tail === undefined ? undefined : checkCount(options.tail, "tail");
    return followRecords(path, recordSchemaFor(filter.stream), filter, {
      chunkSize: this.chunkSize,
      pollIntervalMs,
      tail,
      signal: options.signal,
      onIssue: options.onIssue,
    });
  }
}

/** A reader of the JSONL files under `options.root` (default `.dash`). */
export function jsonlReader(options: JsonlReaderOptions = {}): JsonlReader {
  return new JsonlReader(options);
}

function checkCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, value, "must be a non-negative integer");
  }
  return value;
}

function checkPollInterval(value: number | undefined): number {
  if (value === undefined) return DEFAULT_POLL_INTERVAL_MS;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_POLL_INTERVAL_MS) {
    throw new InvalidArgumentError("pollIntervalMs", value, `must be a number of milliseconds above 0 and at most ${MAX_POLL_INTERVAL_MS}`);
  }
  return value;
}

async function* withoutWorker(records: AsyncIterable<StoredRecord>): AsyncGenerator<StoredRecord, void, undefined> {
  for await (const record of records) if (record["worker"] === undefined) yield record;
}
