import type { MetricPoint, StoredRecord } from "@dashlog/core";
import { recordFormatter } from "./record-formatter.js";

/**
 * A point as `tail --json` and `export --format jsonl` write it: ml-dash's line
 * `{"index","data","createdAt"}`, with `"worker"` last for a point of a joined run (as stored).
 */
export function metricPointJson(point: MetricPoint): string {
  return JSON.stringify(point.worker === undefined ? { index: point.index, data: point.data, createdAt: point.createdAt } : { index: point.index, data: point.data, createdAt: point.createdAt, worker: point.worker });
}

/** A point for a person: `time  #index  key=value ...`, aligned like the records of a stream. */
export function metricPointFormatter(color: boolean, indexWidth = 4): (point: MetricPoint) => string {
  const format = recordFormatter({ color, sequenceWidth: indexWidth });
  return (point) => {
    const record: Record<string, unknown> = { sequenceNumber: point.index };
    if (point.createdAt !== null) record["timestamp"] = point.createdAt;
    // The worker first, where a joined run's log records show it too (after the message).
    if (point.worker !== undefined) record["worker"] = point.worker;
    for (const [key, value] of Object.entries(point.data)) {
      // Fields named like a record's own would be taken for them; they keep a `data.` prefix.
      const name = key === "sequenceNumber" || key === "timestamp" || key === "level" || key === "message" || key === "metadata" ? `data.${key}` : key;
      Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return format(record as StoredRecord);
  };
}
