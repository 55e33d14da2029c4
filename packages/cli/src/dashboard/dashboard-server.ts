import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunState } from "@dashlog/core";
import type { ExperimentStore } from "../experiment-store.js";
import { renderPageShell } from "../report/page-shell.js";
import type { ExperimentListing } from "../report/report-data.js";
import { tallyWorkers } from "../report/worker-summary.js";
import { hasToken, isLoopbackHost } from "./access-token.js";
import { BadRequest, intParam, logQuery, numberParam, prefixParam, prefixesParam } from "./api-params.js";
import { LiveFeed } from "./live-feed.js";
import { RunCache } from "./run-cache.js";
import type { RunIndex } from "./run-index.js";

/** Rows one log request may ask for. */
const MAX_LIMIT = 1000;
/** How long a listing's record count of an experiment nobody has open is reused. */
const COUNT_TTL_MS = 30_000;

export interface DashboardServerOptions {
  readonly store: ExperimentStore;
  readonly host: string;
  readonly port: number;
  /** Required on every request when set (any host but loopback). */
  readonly token: string | null;
}

export interface DashboardServer {
  /** The page's address, token included when there is one. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (url: URL, request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * `dashlog serve`'s HTTP server, on node:http: a handful of read-only GET routes matched by
 * exact path (nothing to route by pattern, so no framework and no router). Pages are the one
 * front-end bundle in the shell `dashlog report` uses; the API answers JSON from RunIndex.
 */
export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const { store, token } = options;
  const cache = new RunCache(store);
  const live = new LiveFeed(cache, { watchChanges: store.watchChanges });
  const counts = new Map<string, { records: number; at: number }>();

  const page = (view: "home" | "run" | "compare", title: string) =>
    renderPageShell({ title, config: { mode: "serve", view, token }, connect: "'self'" });

  const routes: Record<string, Handler> = {
    "/": async (_url, _req, res) => sendHtml(res, await page("home", "dashlog")),
    "/run": async (url, _req, res) => {
      const prefix = prefixParam(url);
      await requireExperiment(store, prefix);
      sendHtml(res, await page("run", `${prefix} · dashlog`));
    },
    "/compare": async (url, _req, res) => {
      for (const prefix of prefixesParam(url)) await requireExperiment(store, prefix);
      sendHtml(res, await page("compare", "compare · dashlog"));
    },
    "/api/experiments": async (_url, _req, res) => {
      const prefixes = await store.listExperiments();
      const listing = await Promise.all(prefixes.map((prefix) => listingOf(prefix)));
      sendJson(res, listing);
    },
    "/api/overview": async (url, _req, res) => sendJson(res, (await indexOf(url)).overview()),
    // Twenty pages on one run ask for the same charts after every change: computed once per change.
    "/api/charts": async (url, _req, res) => {
      const index = await indexOf(url);
      sendJsonText(res, memo(index, "charts", index.chartsVersion, () => JSON.stringify(index.charts())));
    },
    // A zoomed chart: its x range read again at full resolution (up to the bucket budget).
    "/api/chart": async (url, _req, res) => {
      const index = await indexOf(url);
      const id = url.searchParams.get("id");
      if (id === null || id.length === 0 || id.length > 500) throw new BadRequest(400, `id must name a chart of the run, got ${JSON.stringify(id)}`);
      const from = numberParam(url, "from");
      const to = numberParam(url, "to");
      if (!(to > from)) throw new BadRequest(400, `to must be larger than from, got from ${from} and to ${to}`);
      sendJson(res, (await index.chartDetail(id, from, to)) ?? null);
    },
    "/api/timeline": async (url, _req, res) => {
      const index = await indexOf(url);
      sendJsonText(res, memo(index, "timeline", index.timelineVersion, () => JSON.stringify(index.timeline())));
    },
    "/api/logs": async (url, _req, res) => {
      const index = await indexOf(url);
      const limit = intParam(url, "limit", 200, MAX_LIMIT);
      if (url.searchParams.get("filtered") === "1") {
        const cursor = url.searchParams.get("cursor");
        if (cursor !== null && !/^\d{1,12}$/.test(cursor)) throw new BadRequest(400, `cursor must be what the previous page returned, got ${JSON.stringify(cursor)}`);
        sendJson(res, await index.logs.search(logQuery(url), cursor, limit));
        return;
      }
      sendJson(res, await index.logs.range(intParam(url, "first", 0, Number.MAX_SAFE_INTEGER), limit));
    },
    "/api/live": async (url, _req, res) => {
      const prefix = prefixParam(url);
      await requireExperiment(store, prefix);
      await live.open(prefix, res);
    },
  };

  const memos = new WeakMap<RunIndex, Map<string, { version: string; text: string }>>();
  function memo(index: RunIndex, key: string, version: string, compute: () => string): string {
    let byKey = memos.get(index);
    if (byKey === undefined) memos.set(index, (byKey = new Map()));
    const kept = byKey.get(key);
    if (kept !== undefined && kept.version === version) return kept.text;
    const text = compute();
    byKey.set(key, { version, text });
    return text;
  }

  async function indexOf(url: URL) {
    const prefix = prefixParam(url);
    await requireExperiment(store, prefix);
    return cache.get(prefix);
  }

  async function listingOf(prefix: string): Promise<ExperimentListing> {
    const runs = await store.runs(prefix);
    const last = runs.at(-1) as Partial<RunState> | undefined;
    let records = cache.peek(prefix)?.logs.total;
    if (records === undefined) {
      const known = counts.get(prefix);
      if (known !== undefined && Date.now() - known.at < COUNT_TTL_MS) records = known.records;
      else {
        records = (await store.listStreams(prefix)).includes("logs") ? await store.countRecords(prefix, "logs") : 0;
        counts.set(prefix, { records, at: Date.now() });
      }
    }
    const workers = last?.workers === undefined ? {} : { workers: tallyWorkers(last.workers.map((w) => w.effectiveStatus)) };
    return { prefix, status: last?.effectiveStatus ?? last?.status ?? "UNKNOWN", startedAt: runs[0]?.startedAt ?? null, endedAt: last?.endedAt ?? null, runs: runs.length, records, ...workers };
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader("x-content-type-options", "nosniff");
    response.setHeader("referrer-policy", "no-referrer");
    response.setHeader("x-frame-options", "DENY");
    try {
      const url = new URL(request.url ?? "/", "http://dashlog.invalid");
      // Without a token the server is on loopback; a page of another site that rebinds its name to
      // 127.0.0.1 still sends its own Host, and gets nothing.
      if (token === null && !isLoopbackHost(hostOf(request.headers.host))) throw new BadRequest(403, "this dashboard answers only requests addressed to this machine (127.0.0.1 or localhost)");
      if (token !== null && !hasToken(request, url, token)) throw new BadRequest(401, "this dashboard needs its access token: open the URL `dashlog serve` printed");
      if (request.method !== "GET" && request.method !== "HEAD") {
        response.setHeader("allow", "GET, HEAD");
        throw new BadRequest(405, `${request.method ?? "?"} is not allowed: the dashboard is read-only`);
      }
      const route = routes[url.pathname];
      if (route === undefined) throw new BadRequest(404, `no such page: ${url.pathname}`);
      await route(url, request, response);
    } catch (error) {
      const status = error instanceof BadRequest ? error.status : 500;
      if (response.headersSent) {
        response.end();
        return;
      }
      sendJson(response, { error: error instanceof Error ? error.message : String(error) }, status);
    }
  }

  async function requireExperiment(s: ExperimentStore, prefix: string): Promise<void> {
    if (!(await s.hasExperiment(prefix))) throw new BadRequest(404, `no experiment ${JSON.stringify(prefix)} in ${s.location}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${hostPart}:${port}/${token === null ? "" : `?token=${token}`}`;
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function hostOf(header: string | undefined): string {
  if (header === undefined) return "";
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  return header.replace(/:\d+$/, "");
}

function sendHtml(response: ServerResponse, html: string): void {
  response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(html);
}

function sendJson(response: ServerResponse, value: unknown, status = 200): void {
  sendJsonText(response, JSON.stringify(value), status);
}

function sendJsonText(response: ServerResponse, body: string, status = 200): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  response.end(body);
}
