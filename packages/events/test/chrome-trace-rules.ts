/**
 * The rules of the Chrome trace event format (JSON object form) that a file must follow
 * for chrome://tracing and Perfetto to show it as intended; returns every broken rule.
 * Covers the event types toChromeTrace writes (X and M) and rejects any other.
 */
export function chromeTraceProblems(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== "object" || trace === null || Array.isArray(trace)) return ["trace must be a JSON object"];
  const t = trace as Record<string, unknown>;
  if (!Array.isArray(t["traceEvents"])) return ["traceEvents must be an array"];
  if (t["displayTimeUnit"] !== undefined && t["displayTimeUnit"] !== "ms" && t["displayTimeUnit"] !== "ns") {
    problems.push(`displayTimeUnit must be "ms" or "ns", got ${JSON.stringify(t["displayTimeUnit"])}`);
  }
  const notJson = nonJsonPath(trace, "trace");
  if (notJson !== undefined) problems.push(`trace does not survive a JSON round trip at ${notJson}`);

  const named = new Set<string>();
  const complete: { i: number; track: string; ts: number; dur: number }[] = [];
  (t["traceEvents"] as unknown[]).forEach((raw, i) => {
    const at = `traceEvents[${i}]`;
    if (typeof raw !== "object" || raw === null) {
      problems.push(`${at} must be an object`);
      return;
    }
    const e = raw as Record<string, unknown>;
    if (typeof e["name"] !== "string" || e["name"] === "") problems.push(`${at}.name must be a non-empty string`);
    if (!Number.isInteger(e["pid"]) || (e["pid"] as number) < 0) problems.push(`${at}.pid must be a non-negative integer`);
    if (!Number.isInteger(e["tid"]) || (e["tid"] as number) < 0) problems.push(`${at}.tid must be a non-negative integer`);
    if (e["args"] !== undefined && (typeof e["args"] !== "object" || e["args"] === null || Array.isArray(e["args"]))) {
      problems.push(`${at}.args must be an object`);
    }
    const track = `${String(e["pid"])}:${String(e["tid"])}`;
    const args = (e["args"] ?? {}) as Record<string, unknown>;
    if (e["ph"] === "M") {
      if (e["name"] === "process_name" || e["name"] === "thread_name") {
        if (typeof args["name"] !== "string") problems.push(`${at}.args.name must be a string`);
        if (e["name"] === "thread_name") named.add(track);
      } else if (e["name"] === "thread_sort_index" || e["name"] === "process_sort_index") {
        if (!Number.isInteger(args["sort_index"])) problems.push(`${at}.args.sort_index must be an integer`);
      } else {
        problems.push(`${at} is an unknown metadata event ${JSON.stringify(e["name"])}`);
      }
    } else if (e["ph"] === "X") {
      const ts = e["ts"];
      const dur = e["dur"];
      if (typeof ts !== "number" || !Number.isFinite(ts) || ts < 0) problems.push(`${at}.ts must be a finite number >= 0 (µs)`);
      if (typeof dur !== "number" || !Number.isFinite(dur) || dur < 0) problems.push(`${at}.dur must be a finite number >= 0 (µs)`);
      if (e["cat"] !== undefined && typeof e["cat"] !== "string") problems.push(`${at}.cat must be a string`);
      if (typeof ts === "number" && typeof dur === "number") complete.push({ i, track, ts, dur });
    } else {
      problems.push(`${at}.ph must be "X" or "M", got ${JSON.stringify(e["ph"])}`);
    }
  });

  const byTrack = new Map<string, typeof complete>();
  for (const c of complete) byTrack.set(c.track, [...(byTrack.get(c.track) ?? []), c]);
  for (const [track, events] of byTrack) {
    if (!named.has(track)) problems.push(`track ${track} has complete events but no thread_name`);
    const open: typeof complete = [];
    for (const [k, e] of events.entries()) {
      const previous = events[k - 1];
      if (previous !== undefined && e.ts < previous.ts) {
        problems.push(`traceEvents[${e.i}].ts ${e.ts} goes back in time on track ${track} (previous ${previous.ts})`);
      }
      while (open.length > 0 && (open.at(-1) as (typeof open)[number]).ts + (open.at(-1) as (typeof open)[number]).dur <= e.ts) open.pop();
      const parent = open.at(-1);
      if (parent !== undefined && e.ts + e.dur > parent.ts + parent.dur) {
        problems.push(`traceEvents[${e.i}] overlaps traceEvents[${parent.i}] on track ${track} without nesting in it`);
      }
      open.push(e);
    }
  }
  return problems;
}

/** The path of the first value JSON would change or drop (NaN, Infinity, undefined, functions, ...). */
function nonJsonPath(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (typeof value !== "object") return path;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nonJsonPath(item, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return path;
  for (const [key, item] of Object.entries(value)) {
    const found = nonJsonPath(item, `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
