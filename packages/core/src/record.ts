import type { JsonObject, JsonValue } from "./json.js";
import { isPlainObject } from "./json.js";
import type { Level } from "./level.js";

/** A line of `logs.jsonl` (and a document of the remote logs collection), field order as stored. */
export interface LogRecord {
  /** ISO-8601 UTC, millisecond precision, e.g. `2025-10-29T10:30:00.000Z`. */
  readonly timestamp: string;
  readonly level: Level;
  readonly message: string;
  readonly metadata: JsonObject | null;
  readonly sequenceNumber: number;
}

/** What a sink stores for one entry of any stream: the consumer's fields plus `sequenceNumber`. */
export interface StoredRecord {
  readonly sequenceNumber: number;
  readonly [field: string]: JsonValue | undefined;
}

/** One value a consumer produced for one event, as kept in memory. */
export interface StreamEntry<T = unknown> {
  readonly sequenceNumber: number;
  /** The event's wall-clock time in ms, used by time windows. */
  readonly timestamp: number;
  readonly value: T;
}

/**
 * The stored form of an entry: a plain-object value keeps its fields and gets
 * `sequenceNumber` (which is reserved); any other value is stored as `{ value }`.
 * Values that already carry the right `sequenceNumber` are passed through without a copy.
 */
export function toStoredRecord(entry: StreamEntry): StoredRecord {
  const value = entry.value;
  if (isPlainObject(value)) {
    if (value["sequenceNumber"] === entry.sequenceNumber) return value as unknown as StoredRecord;
    return { ...(value as Record<string, JsonValue>), sequenceNumber: entry.sequenceNumber };
  }
  return { value: value as JsonValue, sequenceNumber: entry.sequenceNumber };
}
