import type { RecordReader } from "@dashlog/core";
import type { PositionedReader, PositionedRecord } from "./positioned-reader.js";

/**
 * Positions as sequence numbers, for any RecordReader that can start at a sequence number
 * (MongoDB answers `fromSequence` from its index). Records of a stream are in sequence order.
 */
export function sequencePositionedReader(reader: RecordReader): PositionedReader {
  return {
    async *readFrom(prefix, stream, from, options = {}): AsyncGenerator<PositionedRecord> {
      const { limit = Number.MAX_SAFE_INTEGER, signal, onUnreadable } = options;
      if (limit <= 0) return;
      let yielded = 0;
      for await (const record of reader.read(prefix, { stream, fromSequence: from, signal, onIssue: () => onUnreadable?.() })) {
        yield { record, start: record.sequenceNumber, end: record.sequenceNumber + 1 };
        if (++yielded >= limit) return;
      }
    },
  };
}
