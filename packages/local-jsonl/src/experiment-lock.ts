import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ExperimentLockedError } from "@dashlog/core";
import { z } from "zod";

const lockHolderSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  runId: z.string(),
  startedAt: z.string(),
});

export type LockHolder = z.infer<typeof lockHolderSchema>;

/** Lock files this process holds, so a second writer inside the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Takes the experiment's lock file (`O_EXCL`), so two writers can never interleave
 * sequence numbers. A lock left by a dead process on this host is recovered; a live
 * holder (or one on another host, which cannot be checked) gets ExperimentLockedError.
 * Returns the function that releases the lock.
 */
export function acquireExperimentLock(path: string, prefix: string, runId: string, startedAt: string): () => void {
  const me: LockHolder = { pid: process.pid, hostname: hostname(), runId, startedAt };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (heldHere.has(path)) {
      throw new ExperimentLockedError(prefix, `another run in this process (pid ${process.pid})`, "end that run first");
    }
    try {
      const fd = openSync(path, "wx");
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
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
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(path);
    if (holder !== undefined && isAlive(holder)) {
      const where = holder.hostname === me.hostname ? "" : ` on host ${holder.hostname}`;
      throw new ExperimentLockedError(
        prefix,
        `process ${holder.pid}${where} (run ${holder.runId}, started ${holder.startedAt})`,
        `wait for that run to end; if that process is gone, delete ${path}`,
      );
    }
    // Dead holder (or an unreadable lock from a crash mid-write): remove it and try again.
    try {
      unlinkSync(path);
    } catch {
      // Someone else removed it first; the next attempt settles who gets it.
    }
  }
  throw new ExperimentLockedError(prefix, "a process that keeps re-taking the lock", `check ${path}`);
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
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
