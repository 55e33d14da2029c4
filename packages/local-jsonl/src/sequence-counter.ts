import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import type { SequenceRange } from "@dashlog/core";
import { withShortLock } from "./short-lock.js";

/**
 * Reserves `count` numbers from the counter file `path`, under the exclusive lock file
 * `<path>.lock` (see withShortLock): reads the next number,
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
  return withShortLock(`${path}.lock`, prefix, () => {
    const current = readCounter(path);
    if (current === undefined) initialize?.();
    const first = Math.max(current ?? 0, floor);
    const range = { first, count };
    writeCounter(path, first + count);
    if (count > 0) record(range);
    return range;
  });
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
