import { defineConsumer, type Consumer } from "./consumer.js";
import type { LogRecord } from "./record.js";

export const LOGS_STREAM = "logs";

/**
 * The built-in `logs` consumer: every event becomes the seed's record
 * `{ timestamp, level, message, metadata, sequenceNumber }`, so `logs.jsonl` is gap-free.
 */
export function logRecords(worker?: string): Consumer<LogRecord> {
  if (worker !== undefined) return workerLogRecords(worker);
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

/**
 * The `logs` consumer of a joined run's worker: the same record with `worker` last. A separate
 * function so a run of its own keeps the seed's five fields and pays nothing for this.
 */
function workerLogRecords(worker: string): Consumer<LogRecord> {
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
        worker,
      };
    },
    { streamName: LOGS_STREAM, fresh: () => workerLogRecords(worker) },
  );
}
