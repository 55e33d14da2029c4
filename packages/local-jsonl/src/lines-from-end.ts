import { open, type FileHandle } from "node:fs/promises";
import { InvalidArgumentError } from "@dashlog/core";
import type { z } from "zod";
import { checkChunkSize } from "./chunk-size.js";
import { decodeLine, NEWLINE, type Line } from "./line.js";
import { parseLine } from "./line-parser.js";
import { isMissingFile } from "./missing-file.js";

export interface LinesFromEndOptions {
  /** Bytes read per step backwards. Default 64 KiB. */
  readonly chunkSize?: number | undefined;
  /** Treat the file as ending at this byte offset (a snapshot); default: its size when opened. */
  readonly end?: number | undefined;
  /** Aborting makes the generator throw the signal's reason before its next read. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The lines of the file at `path`, last line first, read backwards in chunks so that only the
 * lines actually consumed are read: stopping after a few lines of a huge file costs a few chunks.
 * An empty line is yielded as such; the empty tail after a final `\n` is not a line.
 * A missing file rejects with the ENOENT error, so callers decide what absence means.
 */
export async function* linesFromEnd(path: string, options: LinesFromEndOptions = {}): AsyncGenerator<Line, void, undefined> {
  const chunkSize = checkChunkSize(options.chunkSize);
  const signal = options.signal;
  signal?.throwIfAborted();
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    let pos = options.end === undefined ? size : Math.min(checkEnd(options.end), size);
    // The line being assembled ends at `lineEnd` (exclusive, before any terminator); its later
    // bytes, read in earlier steps, wait in `carry` (in file order) until its start is found.
    let lineEnd = pos;
    let terminated = false;
    let carry: Buffer[] = [];
    let first = true;
    while (pos > 0) {
      signal?.throwIfAborted();
      const start = Math.max(0, pos - chunkSize);
      const chunk = await readExactly(handle, start, pos - start);
      let searchEnd = chunk.length;
      if (first) {
        first = false;
        if (chunk[searchEnd - 1] === NEWLINE) {
          terminated = true;
          lineEnd = pos - 1;
          searchEnd -= 1;
        }
      }
      for (;;) {
        const nl = searchEnd === 0 ? -1 : chunk.lastIndexOf(NEWLINE, searchEnd - 1);
        if (nl === -1) break;
        const lineStart = start + nl + 1;
        const bytes = concat(chunk.subarray(nl + 1, searchEnd), carry);
        yield { text: decodeLine(bytes, lineStart), terminated, offset: lineStart, end: terminated ? lineEnd + 1 : lineEnd };
        signal?.throwIfAborted();
        carry = [];
        lineEnd = start + nl;
        terminated = true;
        searchEnd = nl;
      }
      if (searchEnd > 0) carry.unshift(chunk.subarray(0, searchEnd));
      pos = start;
    }
    // The first line has no newline before it, so the loop above never yields it. Only an empty
    // file (or snapshot) leaves nothing carried and no terminator seen.
    if (carry.length > 0 || terminated) {
      yield { text: decodeLine(concat(Buffer.alloc(0), carry), 0), terminated, offset: 0, end: terminated ? lineEnd + 1 : lineEnd };
    }
  } finally {
    await handle.close();
  }
}

export interface LastValidRecordOptions {
  readonly chunkSize?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The last line of `path` that is JSON and matches `schema`, parsed; undefined when the file is
 * missing or holds no such line. A torn or garbage tail (a crash mid-write) is skipped, so a
 * writer reopening the file can continue from the last record that really made it to disk.
 */
export async function lastValidRecord<S extends z.ZodType>(
  path: string,
  schema: S,
  options: LastValidRecordOptions = {},
): Promise<z.output<S> | undefined> {
  try {
    for await (const line of linesFromEnd(path, options)) {
      if (line.text.trim() === "") continue;
      const parsed = parseLine(line.text, schema, line.terminated);
      if (parsed.ok) return parsed.record;
    }
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
  return undefined;
}


function checkEnd(end: number): number {
  if (!Number.isSafeInteger(end) || end < 0) throw new InvalidArgumentError("end", end, "must be a non-negative byte offset");
  return end;
}

async function readExactly(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  // A fresh buffer per chunk: `carry` keeps views into earlier chunks.
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    // Truncated under us: offsets past this point no longer mean anything, so stop at what is there.
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

function concat(head: Buffer, tail: readonly Buffer[]): Buffer {
  return tail.length === 0 ? head : Buffer.concat([head, ...tail]);
}
