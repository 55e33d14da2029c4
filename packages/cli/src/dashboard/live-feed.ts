import type { ServerResponse } from "node:http";
import type { RunCache } from "./run-cache.js";
import type { StoreWatch, WatchChanges } from "./store-watch.js";

/** How often a watched run is read for new records when its store cannot notify: well inside the one second a record may take to show. */
export const POLL_MS = 250;
/** While the store notifies, the timer only catches what a notification can miss (a run's status in MongoDB, a lost event). */
export const NOTIFIED_POLL_MS = 1000;
/** A run written nonstop notifies nonstop: reads start at most this often. */
const MIN_GAP_MS = 100;
const HEARTBEAT_MS = 15_000;
/** New rows sent with a change at most; a page that fell further behind reads the rest itself. */
const NEWEST_ROWS = 100;

export interface LiveFeedOptions {
  /** The store's change notifications; without, every watched run is polled every `pollMs`. */
  readonly watchChanges?: WatchChanges | undefined;
  readonly pollMs?: number;
  readonly notifiedPollMs?: number;
}

interface Watched {
  readonly clients: Set<ServerResponse>;
  timer: ReturnType<typeof setInterval>;
  notifications: StoreWatch | undefined;
  records: number;
  parsed: number;
  status: string;
  /** The charts version last sent: points of named metric series change the charts without a log record. */
  chartsVersion: string;
  busy: boolean;
  /** A notification came while a read was on: read again right after it. */
  again: boolean;
  lastPoll: number;
  soon: ReturnType<typeof setTimeout> | undefined;
  closed: boolean;
}

/**
 * Server-sent events per run: one reader per watched run (not per browser), reading the store
 * when it notifies a change (file-system events, MongoDB change streams) or, where it cannot,
 * every POLL_MS, and telling every open page `change` when records arrived, the status
 * moved or the charts changed (metric points come without a log record). Twenty pages on one run cost one read.
 */
export class LiveFeed {
  readonly #cache: RunCache;
  readonly #watched = new Map<string, Watched>();
  readonly #heartbeat: ReturnType<typeof setInterval>;
  readonly #watchChanges: WatchChanges | undefined;
  readonly #pollMs: number;
  readonly #notifiedPollMs: number;

  constructor(cache: RunCache, options: LiveFeedOptions = {}) {
    this.#cache = cache;
    this.#watchChanges = options.watchChanges;
    this.#pollMs = options.pollMs ?? POLL_MS;
    this.#notifiedPollMs = options.notifiedPollMs ?? NOTIFIED_POLL_MS;
    this.#heartbeat = setInterval(() => {
      for (const w of this.#watched.values()) for (const client of w.clients) client.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /** True while `prefix` is read on the store's notifications rather than on the poll timer alone (for tests and the README's claim). */
  notified(prefix: string): boolean {
    return this.#watched.get(prefix)?.notifications !== undefined;
  }

  async open(prefix: string, response: ServerResponse): Promise<void> {
    const index = await this.#cache.get(prefix);
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ records: index.logs.total })}\n\n`);
    let watched = this.#watched.get(prefix);
    if (watched === undefined) {
      const overview = index.overview();
      const state: Watched = {
        clients: new Set(),
        timer: setInterval(() => void this.#poll(prefix, state), this.#pollMs),
        notifications: undefined,
        records: overview.summary.records,
        parsed: overview.summary.parsed,
        status: overview.status,
        chartsVersion: index.chartsVersion,
        busy: false,
        again: false,
        lastPoll: 0,
        soon: undefined,
        closed: false,
      };
      watched = state;
      this.#watched.set(prefix, watched);
      void this.#listen(prefix, state);
    }
    watched.clients.add(response);
    this.#cache.watch(prefix, 1);
    response.on("close", () => {
      const w = this.#watched.get(prefix);
      if (w === undefined) return;
      w.clients.delete(response);
      this.#cache.watch(prefix, -1);
      if (w.clients.size === 0) this.#stop(prefix, w);
    });
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const [prefix, w] of [...this.#watched]) {
      for (const client of w.clients) client.end();
      this.#stop(prefix, w);
    }
  }

  #stop(prefix: string, w: Watched): void {
    w.closed = true;
    clearInterval(w.timer);
    clearTimeout(w.soon);
    w.notifications?.close();
    w.notifications = undefined;
    this.#watched.delete(prefix);
  }

  /** Subscribes to the store's notifications; the poll timer slows down while they come, and speeds up again if they stop. */
  async #listen(prefix: string, w: Watched): Promise<void> {
    if (this.#watchChanges === undefined) return;
    let notifications: StoreWatch | undefined;
    try {
      notifications = await this.#watchChanges(
        prefix,
        () => this.#wake(prefix, w),
        () => {
          if (w.closed || w.notifications === undefined) return;
          w.notifications = undefined;
          this.#retime(prefix, w, this.#pollMs);
        },
      );
    } catch {
      notifications = undefined;
    }
    if (notifications === undefined) return;
    if (w.closed) {
      notifications.close();
      return;
    }
    w.notifications = notifications;
    this.#retime(prefix, w, this.#notifiedPollMs);
  }

  #retime(prefix: string, w: Watched, ms: number): void {
    clearInterval(w.timer);
    w.timer = setInterval(() => void this.#poll(prefix, w), ms);
  }

  #wake(prefix: string, w: Watched): void {
    if (w.closed) return;
    if (w.busy) {
      w.again = true;
      return;
    }
    this.#soon(prefix, w);
  }

  /** A read as soon as MIN_GAP_MS after the last one allows; one such read pending at a time. */
  #soon(prefix: string, w: Watched): void {
    if (w.soon !== undefined) return;
    w.soon = setTimeout(() => {
      w.soon = undefined;
      void this.#poll(prefix, w);
    }, Math.max(0, w.lastPoll + MIN_GAP_MS - Date.now()));
  }

  async #poll(prefix: string, w: Watched): Promise<void> {
    if (w.busy || w.closed) return;
    w.busy = true;
    w.again = false;
    w.lastPoll = Date.now();
    try {
      const index = await this.#cache.get(prefix, { force: true });
      const overview = index.overview();
      const chartsVersion = index.chartsVersion;
      if (overview.summary.records === w.records && overview.summary.parsed === w.parsed && overview.status === w.status && chartsVersion === w.chartsVersion) return;
      w.chartsVersion = chartsVersion;
      w.parsed = overview.summary.parsed;
      const fresh = Math.min(NEWEST_ROWS, Math.max(0, overview.summary.records - w.records));
      w.records = overview.summary.records;
      w.status = overview.status;
      // The new rows and the header ride along, so a page shows them without asking back.
      const newest = fresh === 0 ? null : await index.logs.range(w.records - fresh, fresh);
      const message = `event: change\ndata: ${JSON.stringify({ overview, newest, chartsVersion, timelineVersion: index.timelineVersion })}\n\n`;
      for (const client of w.clients) client.write(message);
    } catch {
      // A read that failed (a file replaced mid-read, a dropped connection) is tried again at the next tick.
    } finally {
      w.busy = false;
      // Records that arrived during the read are read next, after the short gap a nonstop writer gets.
      if (w.again && !w.closed) this.#soon(prefix, w);
    }
  }
}
