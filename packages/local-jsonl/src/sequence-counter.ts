import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import type { SequenceCounterState, SequenceRange } from "@dashlog/core";
import { withShortLock } from "./short-lock.js";

/** Who a block is reserved for: the counter counts every number it hands each worker of a joined run. */
export interface CounterTaker {
  readonly runId: string;
  readonly worker: string;
}

/**
 * The counter file: `{"next":N,"taken":{"<runId>":{"<worker>":T}}}` — the next number, and
 * how many numbers each worker of a joined run took, both moved in the same write. The count
 * is what makes a block a killed worker took but never appended to its part in
 * `workers.jsonl` visible: readers compare it with the blocks the part lists. Files written
 * before the count existed hold just the digits of `next`; they are read as a counter with no
 * counts.
 */
interface Counter {
  next: number;
  taken: Record<string, Record<string, number>>;
}

/**
 * Reserves `count` numbers from the counter file `path`, under the exclusive lock file
 * `<path>.lock` (see withShortLock): reads the counter, takes `max(next, floor)`, writes it
 * plus `count` together with `taker`'s new count, runs `record` (which appends the reservation
 * to the worker's part, under the same lock), and releases. A process killed between the write
 * and the append leaves a count larger than its part's blocks: readers state the difference
 * (never a silent gap); so does a `record` that throws. No lock is ever held per record. Synchronous on purpose:
 * it also serves the exit path, where nothing can be awaited.
 */
export function reserveFromCounter(
  path: string,
  prefix: string,
  count: number,
  floor: number,
  record: (range: SequenceRange) => void,
  /** Runs under the lock when there is no counter yet: no joined worker has written. */
  initialize?: () => void,
  taker?: CounterTaker,
): SequenceRange {
  return withShortLock(`${path}.lock`, prefix, () => {
    const before = readCounterText(path);
    const current = before === undefined ? undefined : parseCounter(before);
    if (current === undefined) initialize?.();
    const first = Math.max(current?.next ?? 0, floor);
    const range = { first, count };
    const taken = current?.taken ?? {};
    if (taker !== undefined && count > 0) {
      const run = (taken[taker.runId] ??= {});
      run[taker.worker] = (run[taker.worker] ?? 0) + count;
    }
    writeCounter(path, { next: first + count, taken }, byteLength(before));
    if (count > 0) record(range);
    return range;
  });
}

/**
 * Drops a worker's count once its end is recorded, when it equals `recorded` (the numbers of
 * the blocks its part lists): the file then stays small however many runs joined. A count that
 * differs (an append that failed) stays, for readers to state; so does a crashed worker's.
 * Under the counter's lock.
 */
export function forgetTaker(path: string, prefix: string, taker: CounterTaker, recorded: number): void {
  withShortLock(`${path}.lock`, prefix, () => {
    const before = readCounterText(path);
    const current = before === undefined ? undefined : parseCounter(before);
    const run = current?.taken[taker.runId];
    if (current === undefined || run?.[taker.worker] !== recorded) return;
    delete run[taker.worker];
    if (Object.keys(run).length === 0) delete current.taken[taker.runId];
    writeCounter(path, current, byteLength(before));
  });
}

/** The counter file's next number, or undefined when there is none (or it is not one). */
export function readCounter(path: string): number | undefined {
  const text = readCounterText(path);
  return text === undefined ? undefined : parseCounter(text)?.next;
}

/** The counter as readers compare it with the workers' parts; undefined when there is none. */
export function readCounterState(path: string): SequenceCounterState | undefined {
  const text = readCounterText(path);
  const counter = text === undefined ? undefined : parseCounter(text);
  if (counter === undefined) return undefined;
  return {
    next: counter.next,
    taken: new Map(Object.entries(counter.taken).map(([runId, workers]) => [runId, new Map(Object.entries(workers))])),
  };
}

function byteLength(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text);
}

function readCounterText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Lenient: the old plain digits, or the JSON form (padding spaces allowed); counts that are not whole numbers are left out. */
function parseCounter(raw: string): Counter | undefined {
  const text = raw.trim();
  if (/^\d{1,15}$/.test(text)) return { next: Number(text), taken: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null) return undefined;
  const { next, taken } = json as { next?: unknown; taken?: unknown };
  if (typeof next !== "number" || !Number.isSafeInteger(next) || next < 0) return undefined;
  const counts: Record<string, Record<string, number>> = {};
  if (typeof taken === "object" && taken !== null) {
    for (const [runId, workers] of Object.entries(taken)) {
      if (typeof workers !== "object" || workers === null) continue;
      const run: Record<string, number> = {};
      for (const [worker, n] of Object.entries(workers)) if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) run[worker] = n;
      counts[runId] = run;
    }
  }
  return { next, taken: counts };
}

/**
 * Overwrites the counter in place in one write(2), padded with spaces to the old length, then
 * cuts it: a process crash between the two leaves trailing spaces, never a mix of old and new
 * text. (A new file renamed into place cost a millisecond a block on some file systems: most of
 * what a joined run's numbering cost.)
 */
function writeCounter(path: string, counter: Counter | string, oldLength: number): void {
  const text = typeof counter === "string" ? counter : Object.keys(counter.taken).length === 0 ? String(counter.next) : JSON.stringify(counter);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    const content = Buffer.from(text, "utf8");
    const padded = content.length >= oldLength ? content : Buffer.concat([content, Buffer.alloc(oldLength - content.length, " ")]);
    writeSync(fd, padded, 0, padded.length, 0);
    ftruncateSync(fd, content.length);
  } finally {
    closeSync(fd);
  }
}
