import { LEVELS, validatePrefix, type Level } from "@dashlog/core";
import type { LogQuery } from "../report/report-data.js";

/** A request the server refuses, with the status and a message naming the parameter and value. */
export class BadRequest extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "BadRequest";
    this.status = status;
  }
}

/** `p`, checked like every prefix dashlog takes: no `..`, no absolute path, no backslash (URL decoding has already happened). */
export function prefixParam(url: URL): string {
  const prefix = url.searchParams.get("p");
  if (prefix === null) throw new BadRequest(400, "missing parameter p (the experiment prefix)");
  try {
    return validatePrefix(prefix, "p");
  } catch (error) {
    throw new BadRequest(400, (error as Error).message);
  }
}

export function prefixesParam(url: URL): string[] {
  const all = url.searchParams.getAll("p");
  if (all.length === 0) throw new BadRequest(400, "missing parameter p (experiment prefixes to compare)");
  if (all.length > 12) throw new BadRequest(400, `p: at most 12 experiments can be compared, got ${all.length}`);
  return all.map((p) => {
    try {
      return validatePrefix(p, "p");
    } catch (error) {
      throw new BadRequest(400, (error as Error).message);
    }
  });
}

export function intParam(url: URL, name: string, fallback: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  if (!/^\d{1,15}$/.test(text)) throw new BadRequest(400, `${name} must be a non-negative whole number, got ${JSON.stringify(text)}`);
  return Math.min(Number(text), max);
}

/** A finite number (an x value of a chart: epoch ms, a step, an epoch). */
export function numberParam(url: URL, name: string): number {
  const text = url.searchParams.get(name);
  if (text === null) throw new BadRequest(400, `missing parameter ${name}`);
  const value = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value)) throw new BadRequest(400, `${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function timeParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === "") return undefined;
  const ms = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new BadRequest(400, `${name} must be epoch milliseconds or an ISO-8601 time, got ${JSON.stringify(text)}`);
  return ms;
}

/** Workers one filter may name at most, and the longest name it takes. */
const MAX_FILTER_WORKERS = 1024;
const MAX_WORKER_LENGTH = 1000;

/**
 * The log table's filter: `level` (repeated), `worker` (repeated), `q`, `since`, `until`.
 * Worker names are taken as stored, not held to the SDK's pattern: a store may hold others
 * (written by another tool), and the page must still filter on them.
 */
export function logQuery(url: URL): LogQuery {
  const levels = url.searchParams.getAll("level");
  for (const level of levels) {
    if (!(LEVELS as readonly string[]).includes(level)) throw new BadRequest(400, `level must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
  }
  const workers = url.searchParams.getAll("worker");
  if (workers.length > MAX_FILTER_WORKERS) throw new BadRequest(400, `worker: at most ${MAX_FILTER_WORKERS} workers can be filtered on, got ${workers.length}`);
  for (const worker of workers) {
    if (worker.length === 0 || worker.length > MAX_WORKER_LENGTH) throw new BadRequest(400, `worker must be 1 to ${MAX_WORKER_LENGTH} characters, got ${JSON.stringify(worker.slice(0, 80))}${worker.length > 80 ? "…" : ""}`);
  }
  const text = url.searchParams.get("q") ?? undefined;
  if (text !== undefined && text.length > 1000) throw new BadRequest(400, `q is longer than 1000 characters`);
  return { levels: levels.length === 0 ? undefined : (levels as Level[]), workers: workers.length === 0 ? undefined : workers, text, since: timeParam(url, "since"), until: timeParam(url, "until") };
}
