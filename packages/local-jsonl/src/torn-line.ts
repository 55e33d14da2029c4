import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";

/**
 * A crash can leave the last line without its newline. Ending it keeps the torn text
 * (readers report it as malformed, with its line number) instead of gluing the next
 * record onto it.
 */
export function terminateTornLine(path: string): void {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, "\n", size);
  } finally {
    closeSync(fd);
  }
}
