import { defineConsumer, type Consumer } from "./consumer.js";
import type { LogRecord } from "./record.js";

export const LOGS_STREAM = "logs";

/**
 * The built-in `logs` consumer: every event becomes the seed's record
 * `{ timestamp, level, message, metadata, sequenceNumber }`, so `logs.jsonl` is gap-free.
 */
export function logRecords(): Consumer<LogRecord> {
  // Formatting a date costs more than the rest of the record; bursts share a millisecond.
  let lastTime = Number.NaN;
  let lastIso = "";
  return defineConsumer(
    (event) => {
      if (event.timestamp !== lastTime) {
        lastTime = event.timestamp;
        lastIso = new Date(lastTime).toISOString();
      }
      return {
        timestamp: lastIso,
        level: event.level,
        message: event.message,
        metadata: event.metadata,
        sequenceNumber: event.sequenceNumber,
      };
    },
    { streamName: LOGS_STREAM, fresh: logRecords },
  );
}
