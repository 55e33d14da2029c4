import type { MetricPoint, StoredRecord } from "@dashlog/core";
import { recordFormatter } from "./record-formatter.js";

/** A point as `tail --json` and `export --format jsonl` write it: ml-dash's line `{"index","data","createdAt"}`. */
export function metricPointJson(point: MetricPoint): string {
  return JSON.stringify({ index: point.index, data: point.data, createdAt: point.createdAt });
}

/** A point for a person: `time  #index  key=value ...`, aligned like the records of a stream. */
export function metricPointFormatter(color: boolean, indexWidth = 4): (point: MetricPoint) => string {
  const format = recordFormatter({ color, sequenceWidth: indexWidth });
  return (point) => {
    const record: Record<string, unknown> = { sequenceNumber: point.index };
    if (point.createdAt !== null) record["timestamp"] = point.createdAt;
    for (const [key, value] of Object.entries(point.data)) {
      // Fields named like a record's own would be taken for them; they keep a `data.` prefix.
      const name = key === "sequenceNumber" || key === "timestamp" || key === "level" || key === "message" || key === "metadata" ? `data.${key}` : key;
      Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return format(record as StoredRecord);
  };
}
