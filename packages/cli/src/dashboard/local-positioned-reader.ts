import { open } from "node:fs/promises";
import { streamFile } from "@dashlog/local-jsonl";
import type { StoredRecord } from "@dashlog/core";
import type { PositionedReader, PositionedRecord } from "./positioned-reader.js";

/** Bytes read per step: a page of a few hundred records in one or two reads. */
const CHUNK = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Byte offsets of the JSONL files the local sink writes. A line that is not a JSON object
 * with a numeric sequenceNumber is skipped (the CLI's other readers report such lines; the
 * dashboard counts them in its summary instead).
 */
export function localPositionedReader(root: string): PositionedReader {
  return {
    async *readFrom(prefix, stream, from, options = {}): AsyncGenerator<PositionedRecord> {
      const { limit = Number.MAX_SAFE_INTEGER, signal, onUnreadable } = options;
      if (limit <= 0) return;
      let handle;
      try {
        handle = await open(streamFile(root, prefix, stream), "r");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      try {
        let position = from;
        let carry: Buffer = Buffer.alloc(0);
        let carryStart = from;
        let yielded = 0;
        const buffer = Buffer.allocUnsafe(CHUNK);
        for (;;) {
          signal?.throwIfAborted();
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
          if (bytesRead === 0) return;
          position += bytesRead;
          const data = carry.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
          let lineStart = 0;
          for (let i = data.indexOf(NEWLINE); i >= 0; i = data.indexOf(NEWLINE, lineStart)) {
            const start = carryStart + lineStart;
            const end = carryStart + i + 1;
            const record = parseRecord(data, lineStart, i);
            const blank = i === lineStart;
            lineStart = i + 1;
            if (record === undefined) {
              if (!blank) onUnreadable?.();
              continue;
            }
            yield { record, start, end };
            if (++yielded >= limit) return;
          }
          // Copied: the read buffer is reused for the next chunk.
          carry = Buffer.from(data.subarray(lineStart));
          carryStart += lineStart;
        }
      } finally {
        await handle.close();
      }
    },
  };
}

function parseRecord(data: Buffer, from: number, to: number): StoredRecord | undefined {
  if (to - from < 2) return undefined;
  try {
    const value: unknown = JSON.parse(data.toString("utf8", from, to));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    if (typeof (value as Record<string, unknown>)["sequenceNumber"] !== "number") return undefined;
    return value as StoredRecord;
  } catch {
    return undefined;
  }
}
