import { closeSync, openSync, unlinkSync } from "node:fs";
import { ExperimentLockedError } from "@dashlog/core";
import { fileAgeMs, underBreakClaim, unlinkQuietly } from "./break-claim.js";

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
    if (fileAgeMs(lock) > STALE_LOCK_MS && breakStaleLock(lock)) continue;
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
 * Removes `lock` if it is stale, under its break claim (see underBreakClaim): a lock still old
 * when looked at again under the claim is the stale one. False when another process holds the claim.
 */
export function breakStaleLock(lock: string): boolean {
  return underBreakClaim(lock, STALE_LOCK_MS, () => {
    if (fileAgeMs(lock) > STALE_LOCK_MS) unlinkQuietly(lock);
  });
}
