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
  /**
   * Where records start, without parsing them: the position of each record whose number
   * (counting the first one at `from` as `firstNumber`) is a multiple of `every`, how many
   * complete records there are, and the position after the last. Only a store that can count
   * much faster than it parses has it (a file: a newline scan); the index then shows a large
   * run at once and parses it in the background.
   */
  recordStarts?(prefix: string, stream: string, from: number, firstNumber: number, every: number, signal?: AbortSignal): Promise<RecordStarts>;
}

export interface RecordStarts {
  readonly starts: number[];
  readonly records: number;
  readonly end: number;
}

export interface ReadFromOptions {
  /** Records yielded at most. Default: all. */
  readonly limit?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called for each line or document that is not a record (skipped). */
  readonly onUnreadable?: (() => void) | undefined;
}
