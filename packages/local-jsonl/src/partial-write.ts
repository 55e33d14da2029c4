import { writeSync } from "node:fs";

/** A stream file the sink appends to, with what it knows of its own writes. */
export interface OpenFile {
  readonly fd: number;
  /** Highest sequence number handed to the OS, so a retried batch is not written twice. */
  lastSequenceNumber: number;
  /** The unwritten end of a batch whose write failed part-way; written before anything else. */
  remainder: Buffer | null;
  /** The file's size as this sink left it: a different size before a write means another writer appended. */
  size: number;
}

/** A write that stopped part-way: `records` of its batch are complete lines on disk. */
export class StoppedWrite extends Error {
  readonly records: number;
  constructor(records: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.records = records;
  }

  /** `before` records were complete already; the lines that `error` (from writeFully) says were finished are added, at most `most`. */
  static from(error: unknown, before: number, most: number): StoppedWrite {
    const lines = error instanceof PartlyWritten ? error.lines : 0;
    return new StoppedWrite(before + Math.min(lines, most), error instanceof PartlyWritten ? error.cause : error);
  }
}

/** writeFully failed after `lines` complete lines of its buffer reached the file. */
export class PartlyWritten extends Error {
  readonly lines: number;
  constructor(lines: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.lines = lines;
  }
}

/** Writes all of `buffer`, keeping a copy of what could not be written as the file's remainder before throwing PartlyWritten. */
export function writeFully(file: OpenFile, buffer: Buffer): void {
  let offset = 0;
  try {
    while (offset < buffer.length) {
      const written = writeSync(file.fd, buffer, offset, buffer.length - offset);
      offset += written;
      file.size += written;
    }
    file.remainder = null;
  } catch (error) {
    // A copy: `buffer` may be the sink's scratch buffer, which the next batch overwrites.
    file.remainder = Buffer.from(buffer.subarray(offset));
    throw new PartlyWritten(countNewlines(buffer, offset), error);
  }
}

function countNewlines(buffer: Buffer, end: number): number {
  let n = 0;
  for (let i = buffer.indexOf(0x0a); i >= 0 && i < end; i = buffer.indexOf(0x0a, i + 1)) n++;
  return n;
}
