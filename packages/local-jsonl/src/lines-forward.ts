import type { FileHandle } from "node:fs/promises";
import { checkChunkSize } from "./chunk-size.js";
import { decodeLine, NEWLINE, type Line } from "./line.js";

export interface LinesForwardOptions {
  /** Byte offset to start at; must be the start of a line. Default 0. */
  readonly start?: number | undefined;
  /** Byte offset to stop at (a size snapshot, so a busy writer cannot keep a read going forever). */
  readonly end: number;
  readonly chunkSize?: number | undefined;
}

/**
 * The lines between `start` and `end`, first to last, read in chunks so memory holds one chunk
 * plus one line whatever the file size. A last line without `\n` is yielded with
 * `terminated: false`; the caller decides whether it is torn, valid, or not written yet.
 */
export async function* linesForward(handle: FileHandle, options: LinesForwardOptions): AsyncGenerator<Line, void, undefined> {
  const chunkSize = checkChunkSize(options.chunkSize);
  let pos = options.start ?? 0;
  let lineStart = pos;
  let carry: Buffer[] = [];
  while (pos < options.end) {
    const length = Math.min(chunkSize, options.end - pos);
    // A fresh buffer per chunk: `carry` keeps views into earlier chunks.
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, pos);
    if (bytesRead === 0) break; // truncated since the snapshot
    const chunk = buffer.subarray(0, bytesRead);
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, from);
      if (nl === -1) break;
      const part = chunk.subarray(from, nl);
      const bytes = carry.length === 0 ? part : Buffer.concat([...carry, part]);
      const end = pos + nl + 1;
      yield { text: decodeLine(bytes, lineStart), terminated: true, offset: lineStart, end };
      carry = [];
      lineStart = end;
      from = nl + 1;
    }
    if (from < chunk.length) carry.push(chunk.subarray(from));
    pos += bytesRead;
  }
  if (carry.length > 0) {
    yield { text: decodeLine(Buffer.concat(carry), lineStart), terminated: false, offset: lineStart, end: pos };
  }
}
