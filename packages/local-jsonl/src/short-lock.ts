import { closeSync, openSync, statSync, unlinkSync } from "node:fs";
import { ExperimentLockedError } from "@dashlog/core";

/** A short lock older than this was left by a process killed while holding it (it is held for microseconds). */
const STALE_LOCK_MS = 5_000;
/** Longest a caller waits for a short lock before giving up. */
const MAX_WAIT_MS = 10_000;

/**
 * Runs `body` holding the exclusive lock file `lock` (created with O_EXCL, so exactly one
 * process holds it), then releases it. For the few file operations workers of a joined run must
 * not interleave: reserving numbers from the `.sequence` counter, merging `parameters.json`,
 * updating a metric's `metadata.json`. Never held per record. Synchronous on purpose: it also
 * serves the exit path, where nothing can be awaited. `prefix` names the experiment in the
 * error thrown when the lock stays taken for MAX_WAIT_MS.
 */
export function withShortLock<T>(lock: string, prefix: string, body: () => T): T {
  const deadline = Date.now() + MAX_WAIT_MS;
  let spins = 0;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (ageMs(lock) > STALE_LOCK_MS && breakStaleLock(lock)) continue;
    if (Date.now() > deadline) throw new ExperimentLockedError(prefix, `a process holding ${lock} for over ${MAX_WAIT_MS} ms`, `delete ${lock} if no process writes the experiment`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(5, 1 + (spins++ >> 4)));
  }
  try {
    return body();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Removed as stale by another process: nothing to release.
    }
  }
}

/**
 * Removes `lock` if it is stale, under the claim `<lock>.break` (O_EXCL). Judging a lock stale
 * and removing it are two steps: without the claim, two processes could judge the same dead
 * holder's lock stale, one remove it and a third take a fresh lock, and the slower one then
 * remove that fresh lock, leaving two holders. Under the claim nobody else removes the lock, so
 * a lock still old when looked at again is the stale one. A claim left by a process that died
 * holding it is itself removed once stale. False when another process holds the claim.
 */
export function breakStaleLock(lock: string): boolean {
  const claim = `${lock}.break`;
  try {
    closeSync(openSync(claim, "wx"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (ageMs(claim) > STALE_LOCK_MS) unlinkQuietly(claim);
    return false;
  }
  try {
    if (ageMs(lock) > STALE_LOCK_MS) unlinkQuietly(lock);
  } finally {
    unlinkQuietly(claim);
  }
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
