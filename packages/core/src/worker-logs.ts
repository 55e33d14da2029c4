import { InvalidArgumentError } from "./errors.js";
import { DEFAULT_MAX_STREAM_LENGTH, MultiEventLog } from "./multi-event-log.js";
import type { StreamEntry } from "./record.js";
import { Stream } from "./stream.js";
import { WORKER_NAME_RULE, isWorkerName } from "./worker-identity.js";

export interface WorkerLogsOptions {
  /** The consumers and aggregators every in-program worker's log starts with (fresh copies). Default: none. */
  readonly template?: MultiEventLog | undefined;
  /** Most entries kept per worker and stream between drains; the oldest are evicted and counted in `dropped`. Default 100,000. */
  readonly maxStreamLength?: number | undefined;
}

/**
 * The parent's side of the seed's per-worker logs (`fetch_logs!(ctx)[w]`, `get_logs!`), for
 * workers inside one program: each worker has a MultiEventLog of its own (`log(worker)`, for
 * async tasks of this thread), or sends what its own log drained (`receive`, for worker_threads
 * and child processes, whose logs cannot be shared: post `log.drain()` to the parent). `drain()`
 * hands over every worker's streams keyed by worker and empties them; consumer state is kept.
 */
export class WorkerLogs {
  readonly #template: MultiEventLog | undefined;
  readonly #maxStreamLength: number;
  readonly #logs = new Map<string, MultiEventLog>();
  readonly #received = new Map<string, Map<string, Stream>>();

  constructor(options: WorkerLogsOptions = {}) {
    this.#template = options.template;
    const max = options.maxStreamLength ?? DEFAULT_MAX_STREAM_LENGTH;
    if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max > 0))) {
      throw new InvalidArgumentError("WorkerLogs option maxStreamLength", max, "must be a positive integer or Infinity");
    }
    this.#maxStreamLength = max;
  }

  /** The log of in-program worker `worker`, created on first use from the template. */
  log(worker: string): MultiEventLog {
    checkWorker(worker);
    let log = this.#logs.get(worker);
    if (log === undefined) {
      log = this.#template?.fresh({ maxStreamLength: this.#maxStreamLength }) ?? new MultiEventLog({ maxStreamLength: this.#maxStreamLength });
      this.#logs.set(worker, log);
    }
    return log;
  }

  /**
   * Entries another thread or process drained from its own log (`log.drain()`, sent as a
   * message), appended to that worker's streams in order. Structured clone keeps entries as
   * they are; nothing is validated per entry (the worker's consumers made them).
   */
  receive(worker: string, streams: Readonly<Record<string, readonly StreamEntry[]>>): void {
    checkWorker(worker);
    if (typeof streams !== "object" || streams === null) throw new InvalidArgumentError(`WorkerLogs.receive() streams of worker ${JSON.stringify(worker)}`, streams, "must be an object of stream name to entries, as MultiEventLog.drain() returns");
    let mine = this.#received.get(worker);
    if (mine === undefined) this.#received.set(worker, (mine = new Map()));
    for (const [name, entries] of Object.entries(streams)) {
      if (!Array.isArray(entries)) throw new InvalidArgumentError(`WorkerLogs.receive() stream ${JSON.stringify(name)} of worker ${JSON.stringify(worker)}`, entries, "must be an array of entries");
      let stream = mine.get(name);
      if (stream === undefined) mine.set(name, (stream = new Stream(name, this.#maxStreamLength)));
      for (const entry of entries) stream.push(entry);
    }
  }

  /** Every worker that logged here or sent entries, in the order they appeared. */
  get workers(): string[] {
    return [...new Set([...this.#logs.keys(), ...this.#received.keys()])];
  }

  /** Entries evicted from received streams because a worker sent more than `maxStreamLength` between drains. */
  get dropped(): number {
    let n = 0;
    for (const streams of this.#received.values()) for (const stream of streams.values()) n += stream.dropped;
    return n;
  }

  /** Hands over every worker's streams, keyed by worker then stream, and empties them (the seed's `get_logs!`). */
  drain(): Record<string, Record<string, StreamEntry[]>> {
    const out: Record<string, Record<string, StreamEntry[]>> = {};
    for (const worker of this.workers) {
      const streams: Record<string, StreamEntry[]> = this.#logs.get(worker)?.drain() ?? {};
      for (const [name, stream] of this.#received.get(worker) ?? []) {
        streams[name] = [...(streams[name] ?? []), ...stream.drain()];
      }
      Object.defineProperty(out, worker, { value: streams, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Releases every in-program worker's consumers and aggregators. */
  close(): void {
    for (const log of this.#logs.values()) log.close();
  }
}

function checkWorker(worker: unknown): asserts worker is string {
  if (!isWorkerName(worker)) throw new InvalidArgumentError("worker", worker, WORKER_NAME_RULE);
}
