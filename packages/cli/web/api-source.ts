import type { ExperimentListing, LiveChange, LogPage, LogQuery, ReportChart, ReportTimeline, RunOverview } from "../src/report/report-data.js";
import type { RunSource } from "./run-source.js";

/** The served page's access to `dashlog serve`: every request carries the access token when there is one. */
export class Api {
  readonly #token: string | null;

  constructor(token: string | null) {
    this.#token = token;
  }

  url(path: string, params: Record<string, string | readonly string[] | undefined> = {}): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const v of typeof value === "string" ? [value] : value) search.append(key, v);
    }
    if (this.#token !== null) search.set("token", this.#token);
    const query = search.toString();
    return query === "" ? path : `${path}?${query}`;
  }

  async get<T>(path: string, params: Record<string, string | readonly string[] | undefined> = {}): Promise<T> {
    const response = await fetch(this.url(path, params), { headers: { accept: "application/json" } });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new Error(body.error ?? `${response.status} ${response.statusText}`);
    }
    return (await response.json()) as T;
  }

  experiments(): Promise<readonly ExperimentListing[]> {
    return this.get("/api/experiments");
  }

  run(prefix: string): RunSource {
    const p = { p: prefix };
    return {
      live: true,
      omittedRows: 0,
      overview: () => this.get<RunOverview>("/api/overview", p),
      charts: () => this.get<readonly ReportChart[]>("/api/charts", p),
      timeline: () => this.get<ReportTimeline>("/api/timeline", p),
      chartDetail: (id, from, to) => this.get<ReportChart | null>("/api/chart", { ...p, id, from: String(from), to: String(to) }),
      logRange: (first, count) => this.get<LogPage>("/api/logs", { ...p, first: String(first), limit: String(count) }),
      logSearch: (query: LogQuery, cursor, limit) =>
        this.get<LogPage>("/api/logs", {
          ...p,
          limit: String(limit),
          cursor: cursor ?? undefined,
          level: query.levels,
          worker: query.workers,
          q: query.text === "" ? undefined : query.text,
          since: query.since === undefined ? undefined : String(query.since),
          until: query.until === undefined ? undefined : String(query.until),
          filtered: "1",
        }),
      subscribe: (onChange) => {
        // Server-sent events: the browser reconnects by itself when the server restarts.
        const events = new EventSource(this.url("/api/live", p));
        events.addEventListener("change", (event) => onChange(JSON.parse((event as MessageEvent<string>).data) as LiveChange));
        return () => events.close();
      },
    };
  }
}
