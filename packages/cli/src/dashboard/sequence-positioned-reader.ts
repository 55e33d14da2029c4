import type { RecordReader } from "@dashlog/core";
import type { PositionedReader, PositionedRecord } from "./positioned-reader.js";

/** Records handed on at a time: one await per batch, not per record. */
const BATCH = 1000;

/**
 * Positions as sequence numbers, for any RecordReader that can start at a sequence number
 * (MongoDB answers `fromSequence` from its index). Records of a stream are in sequence order.
 */
export function sequencePositionedReader(reader: RecordReader): PositionedReader {
  return {
    async *readFrom(prefix, stream, from, options = {}): AsyncGenerator<PositionedRecord[]> {
      const { limit = Number.MAX_SAFE_INTEGER, signal, onUnreadable } = options;
      if (limit <= 0) return;
      let batch: PositionedRecord[] = [];
      let yielded = 0;
      for await (const record of reader.read(prefix, { stream, fromSequence: from, signal, onIssue: () => onUnreadable?.() })) {
        batch.push({ record, start: record.sequenceNumber, end: record.sequenceNumber + 1 });
        if (++yielded >= limit) break;
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
  };
}
