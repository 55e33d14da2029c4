import { open } from "node:fs/promises";
import type { StoredRecord } from "@dashlog/core";
import { parseLenientJson, streamFile } from "@dashlog/local-jsonl";
import type { PositionedReader, PositionedRecord, RecordStarts } from "./positioned-reader.js";

/** Bytes read per step: a page of a few hundred records in one read, a million records in a few hundred. */
const CHUNK = 1024 * 1024;
/** The first read of a call: a page of the table or a live poll at the end of a file needs no more. */
const FIRST_CHUNK = 64 * 1024;
/** Records handed on at a time: the caller can let other work in between (a 1 MiB chunk holds thousands). */
const BATCH = 1000;
const NEWLINE = 0x0a;

/**
 * Byte offsets of the JSONL files the local sink writes. Each chunk is decoded once and cut
 * into lines as a string (byte offsets follow from character offsets when the chunk is ASCII,
 * as JSON from the sink nearly always is). A line that is not a JSON object with a numeric
 * sequenceNumber is skipped and reported through `onUnreadable`.
 */
export function localPositionedReader(root: string): PositionedReader {
  return {
    async recordStarts(prefix, stream, from, firstNumber, every, signal): Promise<RecordStarts> {
      const starts: number[] = [];
      let records = 0;
      let end = from;
      let handle;
      try {
        handle = await open(streamFile(root, prefix, stream), "r");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { starts, records, end };
        throw error;
      }
      try {
        const buffer = Buffer.allocUnsafe(CHUNK);
        let lineStart = from;
        let position = from;
        for (;;) {
          signal?.throwIfAborted();
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
          if (bytesRead === 0) break;
          for (let i = buffer.indexOf(NEWLINE, 0); i >= 0 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) {
            const lineEnd = position + i;
            // Counted like readFrom counts: a line that can be a record (not blank). A malformed one in
            // between would shift the rows of its checkpoint by one until the parse has been through it.
            if (lineEnd - lineStart > 1) {
              if ((firstNumber + records) % every === 0) starts.push(lineStart);
              records++;
            }
            lineStart = lineEnd + 1;
            end = lineStart;
          }
          position += bytesRead;
        }
      } finally {
        await handle.close();
      }
      return { starts, records, end };
    },
    async *readFrom(prefix, stream, from, options = {}): AsyncGenerator<PositionedRecord[]> {
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
        let remaining = limit;
        // Small first: every live poll calls this for every stream, usually to find nothing new.
        let buffer = Buffer.allocUnsafe(FIRST_CHUNK);
        for (let reads = 0; ; reads++) {
          signal?.throwIfAborted();
          if (reads === 1) buffer = Buffer.allocUnsafe(CHUNK);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position + carry.length);
          if (bytesRead === 0) return;
          const data = carry.length === 0 ? buffer.subarray(0, bytesRead) : Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
          const lastNewline = data.lastIndexOf(NEWLINE);
          if (lastNewline < 0) {
            carry = Buffer.from(data);
            continue;
          }
          const text = data.toString("utf8", 0, lastNewline + 1);
          const ascii = text.length === lastNewline + 1;
          let batch: PositionedRecord[] = [];
          let start = position;
          let lineStart = 0;
          for (let i = text.indexOf("\n"); i >= 0 && remaining > 0; i = text.indexOf("\n", lineStart)) {
            const line = text.slice(lineStart, i);
            lineStart = i + 1;
            const end = ascii ? position + lineStart : start + Buffer.byteLength(line, "utf8") + 1;
            const record = parseRecord(line);
            if (record !== undefined) {
              batch.push({ record, start, end });
              remaining--;
            } else if (line.trim() !== "") onUnreadable?.();
            start = end;
            if (batch.length >= BATCH) {
              yield batch;
              batch = [];
            }
          }
          if (batch.length > 0) yield batch;
          if (remaining <= 0) return;
          position = start;
          carry = Buffer.from(data.subarray(lastNewline + 1));
        }
      } finally {
        await handle.close();
      }
    },
  };
}

function parseRecord(line: string): StoredRecord | undefined {
  if (line.length < 2) return undefined;
  try {
    // ml-dash writes bare NaN/Infinity: read them as every other reader does.
    const value: unknown = parseLenientJson(line);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    if (typeof (value as Record<string, unknown>)["sequenceNumber"] !== "number") return undefined;
    return value as StoredRecord;
  } catch {
    return undefined;
  }
}
