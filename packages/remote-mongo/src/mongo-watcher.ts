import { InvalidArgumentError, validatePrefix } from "@dashlog/core";
import type { Collection } from "mongodb";
import { openChangeStreams, type ChangeStreamsHandle } from "./change-stream-watch.js";
import { toMongoSinkError, type MongoSinkError } from "./mongo-sink-error.js";
import type { MongoConnectionOptions } from "./mongo-options.js";
import { pollSignature } from "./poll-signature.js";
import { openReaderConnection, type ReaderConnection } from "./reader-connection.js";
import { WATCHED_KINDS, type RecordChange, type RecordWatchMode, type WatchedKind } from "./watched-collections.js";

export interface MongoWatcherOptions extends MongoConnectionOptions {
  /** How often an experiment is polled when the server has no change streams (a standalone) or one broke. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** False: poll only, never open a change stream. Default true. */
  readonly changeStreams?: boolean;
}

export interface WatchRecordsOptions {
  /** The watch went from change streams to polling (a stream broke). */
  readonly onModeChange?: ((mode: RecordWatchMode) => void) | undefined;
  /** A poll failed (it is tried again at the next interval), or a change stream broke. */
  readonly onError?: ((error: MongoSinkError) => void) | undefined;
}

/** One experiment being watched; `close` stops it. */
export interface RecordWatch {
  /** How changes are learnt now: change streams while the server has them, else polling. */
  readonly mode: RecordWatchMode;
  close(): void;
}

const MIN_POLL_MS = 10;

/**
 * Tells when an experiment that `mongoSink` writes changes: new log records, stream records,
 * metric points or parameters, a run that started or ended. Through change streams where the
 * server has them (a replica set or sharded cluster), by polling otherwise (a standalone
 * refuses change streams), falling back to polling if a stream breaks. It says only *that*
 * something changed and where; read what is new with `mongoReader` (from the last sequence
 * number seen) or `mongoMetricReader`. A notification may come for a change there is nothing
 * new in (after a fallback every kind is notified once, as changes may have been missed).
 */
export class MongoWatcher {
  readonly #connection: ReaderConnection;
  readonly #collections: ReadonlyMap<WatchedKind, Collection>;
  readonly #pollMs: number;
  readonly #changeStreams: boolean;
  readonly #watches = new Set<RecordWatch>();

  constructor(options: MongoWatcherOptions) {
    const { pollIntervalMs = 250, changeStreams = true, ...connection } = options;
    if (typeof pollIntervalMs !== "number" || !Number.isFinite(pollIntervalMs) || pollIntervalMs < MIN_POLL_MS) {
      throw new InvalidArgumentError("mongoWatcher option pollIntervalMs", pollIntervalMs, `must be a number of milliseconds, at least ${MIN_POLL_MS}`);
    }
    if (typeof changeStreams !== "boolean") throw new InvalidArgumentError("mongoWatcher option changeStreams", changeStreams, "must be true or false");
    this.#connection = openReaderConnection(connection, "mongoWatcher");
    this.#pollMs = pollIntervalMs;
    this.#changeStreams = changeStreams;
    const db = this.#connection.client.db(this.#connection.connection.database);
    const names = this.#connection.connection.collections;
    this.#collections = new Map(WATCHED_KINDS.map((kind) => [kind, db.collection(names[kind])]));
  }

  /**
   * Calls `onChange` whenever experiment `prefix` changes, until the watch is closed. Resolves
   * once the watch is on: after the first round trip of its change streams (up to a second on
   * an idle server), or at once when it polls.
   */
  async watchRecords(prefix: string, onChange: (change: RecordChange) => void, options: WatchRecordsOptions = {}): Promise<RecordWatch> {
    const experiment = validatePrefix(prefix);
    if (typeof onChange !== "function") throw new InvalidArgumentError("watchRecords onChange", onChange, "must be a function");
    const { onModeChange, onError } = options;
    const { secrets } = this.#connection;
    let mode: RecordWatchMode = "polling";
    let closed = false;
    let streams: ChangeStreamsHandle | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: Map<WatchedKind, string> | undefined;
    // A callback that throws must not end the watch (nor take the host down).
    const tell = (change: RecordChange) => {
      try {
        onChange(change);
      } catch {
        // The caller's own error; the next change is told all the same.
      }
    };

    const poll = async () => {
      timer = undefined;
      if (closed) return;
      try {
        const now = await pollSignature(this.#collections, experiment);
        if (closed) return;
        if (last !== undefined) for (const [kind, value] of now) if (last.get(kind) !== value) tell({ kind, via: "polling" });
        last = now;
      } catch (error) {
        onError?.(toMongoSinkError("watch", `polling experiment ${JSON.stringify(experiment)} for changes`, error, secrets));
      }
      if (!closed) {
        timer = setTimeout(() => void poll(), this.#pollMs);
        timer.unref?.();
      }
    };

    if (this.#changeStreams) {
      streams = await openChangeStreams(
        this.#collections,
        experiment,
        (kind) => {
          if (!closed) tell({ kind, via: "change-stream" });
        },
        (error) => {
          if (closed) return;
          streams = undefined;
          mode = "polling";
          onError?.(toMongoSinkError("watch", `the change stream of experiment ${JSON.stringify(experiment)} broke; polling instead`, error, secrets));
          onModeChange?.("polling");
          for (const kind of WATCHED_KINDS) tell({ kind, via: "polling" });
          void poll();
        },
      );
      if (streams !== undefined) mode = "change-stream";
    }
    if (mode === "polling") await poll();

    const watch: RecordWatch = {
      get mode() {
        return mode;
      },
      close: () => {
        closed = true;
        clearTimeout(timer);
        streams?.close();
        this.#watches.delete(watch);
      },
    };
    this.#watches.add(watch);
    return watch;
  }

  /** Stops every watch and closes the connection. */
  async close(): Promise<void> {
    for (const watch of [...this.#watches]) watch.close();
    await this.#connection.client.close();
  }
}

/** A watcher on the collections `mongoSink` writes (the same connection options as the reader). */
export function mongoWatcher(options: MongoWatcherOptions): MongoWatcher {
  return new MongoWatcher(options);
}
