import { defineConsumer, type Consumer } from "./consumer.js";
import type { LogRecord } from "./record.js";

export const LOGS_STREAM = "logs";

/**
 * The built-in `logs` consumer: every event becomes the seed's record
 * `{ timestamp, level, message, metadata, sequenceNumber }`, so `logs.jsonl` is gap-free.
 */
export function logRecords(): Consumer<LogRecord> {
  return defineConsumer(
    (event) => ({
      timestamp: new Date(event.timestamp).toISOString(),
      level: event.level,
      message: event.message,
      metadata: event.metadata,
      sequenceNumber: event.sequenceNumber,
    }),
    { streamName: LOGS_STREAM },
  );
}
