import { closeSync, openSync, statSync, unlinkSync } from "node:fs";

/**
 * Runs `removeIfStill` holding the claim `<lock>.break` (created O_EXCL), then drops the claim.
 * Judging a lock stale and removing it are two steps: two processes could both judge the same
 * dead holder's lock stale, one remove it and a third take a fresh lock, and the slower one then
 * remove that fresh lock. Under the claim nobody else removes the lock, so `removeIfStill` can
 * look at it again and remove it only if it is still the stale one. False when another process
 * holds the claim (the caller waits and looks again); a claim left by a process that died
 * holding it is removed once older than `staleClaimMs`.
 */
export function underBreakClaim(lock: string, staleClaimMs: number, removeIfStill: () => void): boolean {
  const claim = `${lock}.break`;
  try {
    closeSync(openSync(claim, "wx"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (fileAgeMs(claim) > staleClaimMs) unlinkQuietly(claim);
    return false;
  }
  try {
    removeIfStill();
  } finally {
    unlinkQuietly(claim);
  }
  return true;
}

/** Milliseconds since `path` was last modified; 0 when it is gone. */
export function fileAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
