import { open } from "node:fs/promises";
import { checkChunkSize } from "./chunk-size.js";
import { NEWLINE } from "./line.js";

/**
 * How many lines end before byte `end` of `path` (its `\n` count there). Readers that start
 * from the end call this only when they must name a line number, so a clean tail of a huge
 * file never pays for a forward scan.
 */
export async function countLines(path: string, end: number, chunkSize?: number): Promise<number> {
  const size = checkChunkSize(chunkSize);
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(Math.min(size, Math.max(end, 1)));
    let count = 0;
    let pos = 0;
    while (pos < end) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
      if (bytesRead === 0) break;
      const view = buffer.subarray(0, bytesRead);
      for (let at = view.indexOf(NEWLINE); at !== -1; at = view.indexOf(NEWLINE, at + 1)) count += 1;
      pos += bytesRead;
    }
    return count;
  } finally {
    await handle.close();
  }
}
