import { closeSync, constants, ftruncateSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { ExperimentLockedError, type SequenceRange } from "@dashlog/core";

/** A counter lock older than this was left by a process killed while holding it (it is held for microseconds). */
const STALE_LOCK_MS = 5_000;
/** Longest a reservation waits for the counter lock before giving up. */
const MAX_WAIT_MS = 10_000;

/**
 * Reserves `count` numbers from the counter file `path`, under the exclusive lock file
 * `<path>.lock` (created with O_EXCL, so exactly one process holds it): reads the next number,
 * takes `max(it, floor)`, writes it plus `count`, runs `record` (which appends the reservation
 * to the worker's part, under the same lock, so the ledger and the counter never disagree), and
 * releases. The lock is held for a read, a write and an append: no lock is ever held per record.
 * Synchronous on purpose: it also serves the exit path, where nothing can be awaited.
 */
export function reserveFromCounter(
  path: string,
  prefix: string,
  count: number,
  floor: number,
  record: (range: SequenceRange) => void,
  /** Runs under the lock when there is no counter yet: no joined worker has written. */
  initialize?: () => void,
): SequenceRange {
  const lock = `${path}.lock`;
  const deadline = Date.now() + MAX_WAIT_MS;
  let spins = 0;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (ageMs(lock) > STALE_LOCK_MS) {
      // Renamed away first: of two processes judging it stale, only one removes it.
      try {
        const mine = `${lock}.${process.pid}.stale`;
        renameSync(lock, mine);
        unlinkSync(mine);
      } catch {
        // Another process removed or retook it: try again.
      }
      continue;
    }
    if (Date.now() > deadline) throw new ExperimentLockedError(prefix, `a process holding ${lock} for over ${MAX_WAIT_MS} ms`, `delete ${lock} if no process writes the experiment`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(5, 1 + (spins++ >> 4)));
  }
  try {
    const current = readCounter(path);
    if (current === undefined) initialize?.();
    const first = Math.max(current ?? 0, floor);
    const range = { first, count };
    writeCounter(path, first + count);
    if (count > 0) record(range);
    return range;
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Removed as stale by another process: nothing to release.
    }
  }
}

/** The counter file's number, or undefined when there is none (or it is not one). */
export function readCounter(path: string): number | undefined {
  try {
    const text = readFileSync(path, "utf8").trim();
    return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Overwrites the counter in place, then cuts it: the number only grows, so it never gets
 * shorter, and one small write(2) is not torn by a process crash. (A new file renamed into
 * place cost a millisecond a block on some file systems: most of what a joined run's
 * numbering cost.)
 */
function writeCounter(path: string, next: number): void {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    const length = writeSync(fd, String(next), 0, "utf8");
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}
