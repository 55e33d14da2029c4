import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";

/**
 * ml-dash's `logs/.log_sequence`: the number its next log line gets, as plain digits without a
 * newline. ml-dash starts at 0 when the file is missing, so dashlog keeps it in step after
 * every batch; otherwise an ml-dash run after a dashlog run would number from 0 again.
 */
export function readLogSequence(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const trimmed = text.trim();
  // ml-dash reads anything else as 0; so does this, by giving no lower bound.
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * Keeps `.log_sequence` open for a run and rewrites it in place: one write and one truncate
 * per batch. Opened at the first write, when `logs/` exists.
 */
export class LogSequenceFile {
  readonly path: string;
  #fd: number | undefined;
  #written = -1;

  constructor(path: string) {
    this.path = path;
  }

  /** The number written last by this writer, or -1. */
  get written(): number {
    return this.#written;
  }

  write(next: number): void {
    if (next === this.#written) return;
    const text = String(next);
    // Overwrite, then cut: numbers only grow, so a reader in between never sees an empty or
    // smaller number (truncating first would show ml-dash an empty file, which it reads as 0).
    this.#fd ??= openSync(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    const length = writeSync(this.#fd, text, 0, "utf8");
    ftruncateSync(this.#fd, length);
    this.#written = next;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Sets `.log_sequence` to `next` and closes it: for writers that update it now and then (a joined run's workers, once per reserved block). */
export function writeLogSequenceOnce(path: string, next: number): void {
  const file = new LogSequenceFile(path);
  try {
    file.write(next);
  } finally {
    file.close();
  }
}
