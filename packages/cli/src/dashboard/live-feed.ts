import type { ServerResponse } from "node:http";
import type { RunCache } from "./run-cache.js";

/** How often a watched run is read for new records: well inside the one second a record may take to show. */
export const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** New rows sent with a change at most; a page that fell further behind reads the rest itself. */
const NEWEST_ROWS = 100;

interface Watched {
  readonly clients: Set<ServerResponse>;
  readonly timer: ReturnType<typeof setInterval>;
  records: number;
  parsed: number;
  status: string;
  busy: boolean;
}

/**
 * Server-sent events per run: one reader per watched run (not per browser), polling the
 * store every POLL_MS and telling every open page `change` when records arrived or the
 * status moved. Twenty pages on one run cost one read.
 */
export class LiveFeed {
  readonly #cache: RunCache;
  readonly #watched = new Map<string, Watched>();
  readonly #heartbeat: ReturnType<typeof setInterval>;

  constructor(cache: RunCache) {
    this.#cache = cache;
    this.#heartbeat = setInterval(() => {
      for (const w of this.#watched.values()) for (const client of w.clients) client.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
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
        timer: setInterval(() => void this.#poll(prefix, state), POLL_MS),
        records: overview.summary.records,
        parsed: overview.summary.parsed,
        status: overview.status,
        busy: false,
      };
      watched = state;
      this.#watched.set(prefix, watched);
    }
    watched.clients.add(response);
    this.#cache.watch(prefix, 1);
    response.on("close", () => {
      const w = this.#watched.get(prefix);
      if (w === undefined) return;
      w.clients.delete(response);
      this.#cache.watch(prefix, -1);
      if (w.clients.size === 0) {
        clearInterval(w.timer);
        this.#watched.delete(prefix);
      }
    });
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const w of this.#watched.values()) {
      clearInterval(w.timer);
      for (const client of w.clients) client.end();
    }
    this.#watched.clear();
  }

  async #poll(prefix: string, w: Watched): Promise<void> {
    if (w.busy) return;
    w.busy = true;
    try {
      const index = await this.#cache.get(prefix);
      const overview = index.overview();
      if (overview.summary.records === w.records && overview.summary.parsed === w.parsed && overview.status === w.status) return;
      w.parsed = overview.summary.parsed;
      const fresh = Math.min(NEWEST_ROWS, Math.max(0, overview.summary.records - w.records));
      w.records = overview.summary.records;
      w.status = overview.status;
      // The new rows and the header ride along, so a page shows them without asking back.
      const newest = fresh === 0 ? null : await index.logs.range(w.records - fresh, fresh);
      const message = `event: change\ndata: ${JSON.stringify({ overview, newest, chartsVersion: index.chartsVersion, timelineVersion: index.timelineVersion })}\n\n`;
      for (const client of w.clients) client.write(message);
    } catch {
      // A read that failed (a file replaced mid-read, a dropped connection) is tried again at the next tick.
    } finally {
      w.busy = false;
    }
  }
}
