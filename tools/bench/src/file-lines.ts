import { closeSync, fsyncSync, openSync, readSync, statSync } from "node:fs";

/** Counts the newline-terminated lines of a file and returns its first line. */
export function fileLines(path: string): { lines: number; bytes: number; firstLine: string } {
  const fd = openSync(path, "r");
  const chunk = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let firstLine = "";
  let firstBytes: Buffer[] | null = [];
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      let at = chunk.indexOf(0x0a);
      if (firstBytes !== null) {
        if (at >= 0 && at < n) {
          firstBytes.push(Buffer.from(chunk.subarray(0, at)));
          firstLine = Buffer.concat(firstBytes).toString("utf8");
          firstBytes = null;
        } else {
          firstBytes.push(Buffer.from(chunk.subarray(0, n)));
        }
      }
      while (at >= 0 && at < n) {
        lines++;
        at = chunk.indexOf(0x0a, at + 1);
      }
    }
  } finally {
    closeSync(fd);
  }
  return { lines, bytes: statSync(path).size, firstLine };
}

/** Flushes a closed file to the disk (open, fsync, close). */
export function fsyncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
