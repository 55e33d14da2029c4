import type { StoredRecord } from "@dashlog/core";

/** A record with where it starts and where the next one starts, in the reader's own units. */
export interface PositionedRecord {
  readonly record: StoredRecord;
  /** Reading again from `start` yields this record first. */
  readonly start: number;
  /** Reading again from `end` yields the record after it. */
  readonly end: number;
}

/**
 * Reads one stream from a resumable position: a byte offset in a JSONL file, a sequence
 * number in MongoDB. The dashboard keeps a few positions per thousand records and reads a
 * page from the nearest one, so no request rereads a stream from its start.
 */
export interface PositionedReader {
  /**
   * Records from `from` on, oldest first, at most `limit` of them, in batches (one await per
   * batch, not per record). Stops at the last complete record: a line still being written
   * is read by a later call.
   */
  readFrom(prefix: string, stream: string, from: number, options?: ReadFromOptions): AsyncIterable<PositionedRecord[]>;
}

export interface ReadFromOptions {
  /** Records yielded at most. Default: all. */
  readonly limit?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called for each line or document that is not a record (skipped). */
  readonly onUnreadable?: (() => void) | undefined;
}
