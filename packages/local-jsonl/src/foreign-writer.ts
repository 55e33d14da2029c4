import { readFileSync, statSync } from "node:fs";
import { DashlogError } from "@dashlog/core";

/**
 * Another process writes the experiment without dashlog's `.lock`: ml-dash, which takes only
 * its own `flock` on `logs/.log_sequence.lock` around each append. dashlog does not take that
 * lock (Node has no flock, and no well-kept binding installs without a compiler), so it
 * refuses instead: at run start when the lock is held, and before any write when a file it
 * appends to grew under it. Writing on would give two records one sequence number.
 */
export class ForeignWriterError extends DashlogError {
  readonly prefix: string;
  /** The file the other writer holds or changed. */
  readonly file: string;
  /** Who, as far as can be told: `ml-dash (pid 123: python train.py)` or a description. */
  readonly writer: string;
  constructor(prefix: string, file: string, writer: string, what: string) {
    super(
      "DASHLOG_FOREIGN_WRITER",
      `experiment ${JSON.stringify(prefix)} is being written by ${writer} at the same time (${what} ${file}); dashlog refuses to write it concurrently, since both would number records alike. Let the other writer finish, or log to another prefix.`,
    );
    this.prefix = prefix;
    this.file = file;
    this.writer = writer;
  }
}

export interface FlockHolder {
  readonly pid: number;
  /** The holder's command line, when it can be read. */
  readonly command: string | undefined;
}

/**
 * The process holding a `flock` on `path`, from Linux's `/proc/locks`; undefined when none
 * does, when the file is missing, or where `/proc/locks` does not exist (the check is then
 * only the size check before each write). Matches on the inode; this process is ignored.
 */
export function flockHolder(path: string, locks: string | undefined = readProcLocks()): FlockHolder | undefined {
  if (locks === undefined) return undefined;
  let inode: number;
  try {
    inode = statSync(path).ino;
  } catch {
    return undefined;
  }
  for (const line of locks.split("\n")) {
    // "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"; blocked waiters carry "->".
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== "FLOCK" || fields.includes("->")) continue;
    const pid = Number(fields[4]);
    const id = fields[5]?.split(":");
    if (!Number.isSafeInteger(pid) || pid === process.pid || id?.length !== 3) continue;
    if (Number(id[2]) !== inode) continue;
    return { pid, command: commandOf(pid) };
  }
  return undefined;
}

/**
 * The first of `paths` (lock files) that another process holds, with its holder; `/proc/locks`
 * is read once for all of them.
 */
export function firstHeldLock(paths: readonly string[]): { readonly path: string; readonly holder: FlockHolder } | undefined {
  const locks = readProcLocks();
  if (locks === undefined) return undefined;
  for (const path of paths) {
    const holder = flockHolder(path, locks);
    if (holder !== undefined) return { path, holder };
  }
  return undefined;
}

/** How an error names a lock holder. */
export function describeHolder(holder: FlockHolder): string {
  return `ml-dash or another flock user (pid ${holder.pid}${holder.command === undefined ? "" : `: ${holder.command}`})`;
}

/** What an error says when a file grew under the sink and no holder could be seen. */
export const UNKNOWN_WRITER = "another process (ml-dash, or a writer that ignores dashlog's .lock)";

function readProcLocks(): string | undefined {
  try {
    return readFileSync("/proc/locks", "utf8");
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const command = raw.split("\0").filter((part) => part.length > 0).join(" ");
    return command.length > 200 ? `${command.slice(0, 200)}…` : command || undefined;
  } catch {
    return undefined;
  }
}
