import { randomUUID } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { ExperimentLockedError } from "@dashlog/core";
import { z } from "zod";
import { underBreakClaim, unlinkQuietly } from "./break-claim.js";

const lockHolderSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  runId: z.string(),
  startedAt: z.string(),
});

export type LockHolder = z.infer<typeof lockHolderSchema>;

/** Lock files this process holds, so a second writer inside the same process is refused too. */
const heldHere = new Set<string>();

/** Attempts before giving up; more than two are only needed while others remove a stale lock too. */
const MAX_ATTEMPTS = 50;
/** A `.break` claim older than this was left by a process that died while removing a stale lock. */
const STALE_CLAIM_MS = 10_000;

/**
 * Takes the experiment's lock file, so two writers can never interleave sequence numbers.
 * A lock left by a dead process on this host is recovered; a live holder (or one on another
 * host, which cannot be checked) gets ExperimentLockedError. Returns the function that
 * releases the lock.
 *
 * Safe against processes starting at the same moment: the lock appears with its content in
 * one step (a hard link), so nobody mistakes a lock being written for a broken one; and a stale
 * lock is removed only by the one process holding `<lock>.break`, after checking it is still
 * the same stale lock, so nobody removes a lock another process has just taken.
 */
export function acquireExperimentLock(path: string, prefix: string, runId: string, startedAt: string): () => void {
  const me: LockHolder = { pid: process.pid, hostname: hostname(), runId, startedAt };
  const text = JSON.stringify(me);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (heldHere.has(path)) {
      throw new ExperimentLockedError(prefix, `another run in this process (pid ${process.pid})`, "end that run first");
    }
    if (createLock(path, text)) {
      heldHere.add(path);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        heldHere.delete(path);
        try {
          unlinkSync(path);
        } catch {
          // Already gone (removed by hand): nothing to release.
        }
      };
    }
    const seen = readText(path);
    if (seen === undefined) continue; // released since our attempt: try again
    const holder = parseHolder(seen);
    if (holder !== undefined && isAlive(holder)) {
      const where = holder.hostname === me.hostname ? "" : ` on host ${holder.hostname}`;
      throw new ExperimentLockedError(
        prefix,
        `process ${holder.pid}${where} (run ${holder.runId}, started ${holder.startedAt})`,
        `wait for that run to end; if that process is gone, delete ${path}`,
      );
    }
    // Dead holder (or an unreadable lock): remove exactly that lock, then try again.
    if (!removeStaleLock(path, seen)) pause(attempt);
  }
  throw new ExperimentLockedError(prefix, "a process that keeps re-taking the lock", `check ${path}`);
}

/**
 * Creates the lock file holding `text`, or returns false if it exists. The text is written to a
 * file of our own first and then hard-linked into place (link(2) fails when the lock exists), so
 * the lock is never seen empty or half-written.
 */
function createLock(path: string, text: string): boolean {
  const temp = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temp, text, { flag: "wx" });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkQuietly(temp);
  }
}

/**
 * Removes the lock if it still holds `seen` (a lock judged stale), under its break claim (see
 * underBreakClaim). Returns false when another process holds the claim (the caller waits a
 * moment and looks again).
 */
function removeStaleLock(path: string, seen: string): boolean {
  return underBreakClaim(path, STALE_CLAIM_MS, () => {
    // Each lock holds a unique run id: if it still reads as what was judged stale, it is that
    // same lock and not a new live one.
    if (readText(path) === seen) unlinkQuietly(path);
  });
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A short synchronous wait (lock-taking is synchronous), only while another process removes a stale lock. */
function pause(attempt: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(20, 1 + attempt));
}

function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live process holding the lock file `path`, or undefined when it is free or its holder is gone. */
export function liveLockHolder(path: string): LockHolder | undefined {
  const text = readText(path);
  const holder = text === undefined ? undefined : parseHolder(text);
  return holder !== undefined && isAlive(holder) ? holder : undefined;
}
