import { InvalidArgumentError } from "./errors.js";
import { isAtLeast, isLevel, parseLevel, type Level } from "./level.js";
import { WORKER_NAME_RULE, isWorkerName } from "./worker-identity.js";
import type { StoredRecord } from "./record.js";

/** What every reader (local JSONL, MongoDB, ...) can select. All bounds are inclusive. */
export interface ReadOptions {
  /** Stream to read. Default `logs`. */
  readonly stream?: string | undefined;
  /** Minimum level, e.g. `warn` keeps warn, error and fatal (records without a level are skipped). */
  readonly level?: Level | undefined;
  /** Exactly these levels (combined with `level` when both are given). */
  readonly levels?: readonly Level[] | undefined;
  /** Earliest record timestamp (Date, ISO string or epoch ms). */
  readonly since?: Date | string | number | undefined;
  /** Latest record timestamp (Date, ISO string or epoch ms). */
  readonly until?: Date | string | number | undefined;
  readonly fromSequence?: number | undefined;
  readonly toSequence?: number | undefined;
  /** Only the records of this worker of a joined run (records without a `worker` never match). */
  readonly worker?: string | undefined;
  /** Called for each line or document that could not be read; reading goes on. */
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
  /** Stops a read or a follow. */
  readonly signal?: AbortSignal | undefined;
}

export interface FollowOptions extends ReadOptions {
  /** How often to look for new records when no change notification is available. Default 250 ms. */
  readonly pollIntervalMs?: number | undefined;
  /** Start with the last N matching records instead of the whole history. */
  readonly tail?: number | undefined;
}

/** A record that could not be read back. */
export interface ReadIssue {
  /**
   * `torn`: an unterminated last line (a write cut short by a crash); `malformed`: not JSON;
   * `invalid`: JSON of the wrong shape; `out-of-order`: a valid record whose sequenceNumber
   * goes backwards or repeats (a hand-edited or concatenated file). An out-of-order record is
   * still returned; the others are skipped.
   */
  readonly kind: "torn" | "malformed" | "invalid" | "out-of-order";
  /** 1-based line number (local files) or document position (remote). */
  readonly line: number;
  readonly message: string;
  /** The start of the offending text. */
  readonly text: string;
}

/** The read side of a storage package; the CLI and report use only this. */
export interface RecordReader {
  /** Every matching record, oldest first. */
  read(prefix: string, options?: ReadOptions): AsyncIterable<StoredRecord>;
  /** The last `n` matching records, oldest first. */
  tail(prefix: string, n: number, options?: ReadOptions): Promise<StoredRecord[]>;
  /** Matching records as they arrive, until `signal` aborts. */
  follow(prefix: string, options?: FollowOptions): AsyncIterable<StoredRecord>;
}

/** ReadOptions checked and normalised once, so matching a record is cheap. */
export interface RecordFilter {
  readonly stream: string;
  readonly minLevel: Level | undefined;
  readonly levels: ReadonlySet<Level> | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly fromSequence: number | undefined;
  readonly toSequence: number | undefined;
  readonly worker: string | undefined;
}

/** Validates ReadOptions (clear errors naming the option) and returns a RecordFilter. */
export function compileFilter(options: ReadOptions = {}): RecordFilter {
  const stream = options.stream ?? "logs";
  return {
    stream,
    minLevel: options.level === undefined ? undefined : parseLevel(options.level, "level"),
    levels: options.levels === undefined ? undefined : new Set(options.levels.map((l, i) => parseLevel(l, `levels[${i}]`))),
    since: toTime(options.since, "since"),
    until: toTime(options.until, "until"),
    fromSequence: toSequence(options.fromSequence, "fromSequence"),
    toSequence: toSequence(options.toSequence, "toSequence"),
    worker: toWorker(options.worker),
  };
}

/** True when `record` passes every bound of `filter`. */
export function matchesFilter(record: StoredRecord, filter: RecordFilter): boolean {
  const seq = record.sequenceNumber;
  if (filter.fromSequence !== undefined && seq < filter.fromSequence) return false;
  if (filter.toSequence !== undefined && seq > filter.toSequence) return false;
  if (filter.worker !== undefined && record["worker"] !== filter.worker) return false;
  if (filter.minLevel !== undefined || filter.levels !== undefined) {
    const level = record["level"];
    if (!isLevel(level)) return false;
    if (filter.minLevel !== undefined && !isAtLeast(level, filter.minLevel)) return false;
    if (filter.levels !== undefined && !filter.levels.has(level)) return false;
  }
  if (filter.since !== undefined || filter.until !== undefined) {
    const raw = record["timestamp"];
    const time = typeof raw === "string" ? Date.parse(raw) : typeof raw === "number" ? raw : Number.NaN;
    if (Number.isNaN(time)) return false;
    if (filter.since !== undefined && time < filter.since) return false;
    if (filter.until !== undefined && time > filter.until) return false;
  }
  return true;
}

function toWorker(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isWorkerName(value)) throw new InvalidArgumentError("worker", value, WORKER_NAME_RULE);
  return value;
}

/**
 * The per-worker view of an experiment, as both readers give it (the seed's `fetch_logs!(ctx)[w]`):
 * every worker that joined a run, in the order `workers` lists them, with its matching records
 * in order. Holds them all in memory: filter (`fromSequence`, `since`, `level`) on a large experiment.
 */
export async function readByWorker(
  reader: {
    read(prefix: string, options: ReadOptions): AsyncIterable<StoredRecord>;
    workers(prefix: string): Promise<string[]>;
  },
  prefix: string,
  options: ReadOptions = {},
): Promise<Map<string, StoredRecord[]>> {
  compileFilter(options);
  const view = new Map<string, StoredRecord[]>();
  for (const worker of await reader.workers(prefix)) {
    if (options.worker !== undefined && worker !== options.worker) continue;
    const records: StoredRecord[] = [];
    for await (const record of reader.read(prefix, { ...options, worker })) records.push(record);
    view.set(worker, records);
  }
  return view;
}

/**
 * A joined run's records in sequence order, from sources that are each in ascending order
 * (one worker's records, or one reader's): a k-way merge, holding one record per source.
 */
export async function* mergeBySequence(sources: readonly AsyncIterable<StoredRecord>[]): AsyncGenerator<StoredRecord, void, undefined> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const heads: (StoredRecord | undefined)[] = await Promise.all(iterators.map(async (it) => (await it.next()).value ?? undefined));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head !== undefined && (best < 0 || head.sequenceNumber < (heads[best] as StoredRecord).sequenceNumber)) best = i;
      }
      if (best < 0) return;
      yield heads[best] as StoredRecord;
      const next = await (iterators[best] as AsyncIterator<StoredRecord>).next();
      heads[best] = next.done === true ? undefined : next.value;
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}

function toTime(value: Date | string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : value;
  if (typeof time !== "number" || Number.isNaN(time)) {
    throw new InvalidArgumentError(field, value, "must be a Date, an ISO-8601 string or epoch milliseconds");
  }
  return time;
}

function toSequence(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, value, "must be a non-negative integer");
  }
  return value;
}
