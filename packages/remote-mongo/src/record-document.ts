import { LOGS_STREAM, describeValue, isPlainObject, type JsonValue, type StoredRecord } from "@dashlog/core";
import { BSON, type Document } from "mongodb";
import { escapeKey, escapeTopLevelKey, unescapeKey } from "./escape-keys.js";

/** MongoDB's largest document: 16 MiB. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** The exact form `Date.prototype.toISOString()` produces: stored as a BSON date, read back identical. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A record that can never be stored; it is set aside in the spool's `rejected/` folder instead. */
export class RecordRejectedError extends Error {
  readonly sequenceNumber: number;
  constructor(sequenceNumber: number, reason: string) {
    super(`record ${sequenceNumber} cannot be stored in MongoDB: ${reason}`);
    this.name = "RecordRejectedError";
    this.sequenceNumber = sequenceNumber;
  }
}

/**
 * The document stored for one record: `experiment` (and `stream` unless it is `logs`), then
 * the record's fields in order, with the canonical ISO `timestamp` as a BSON date and field
 * names escaped (see escape-keys.ts). Throws RecordRejectedError for what cannot be stored.
 */
export function toDocument(experiment: string, stream: string, record: StoredRecord): Document {
  const document: Document = { experiment };
  if (stream !== LOGS_STREAM) document["stream"] = stream;
  const seq = record.sequenceNumber;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === undefined) continue;
    if (key === "timestamp" && typeof value === "string" && ISO_UTC.test(value)) {
      document["timestamp"] = new Date(value);
      continue;
    }
    document[escapeTopLevelKey(key)] = toBsonValue(value, key, seq);
  }
  const size = BSON.calculateObjectSize(document);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new RecordRejectedError(seq, `the document is ${size} bytes, over MongoDB's limit of ${MAX_DOCUMENT_BYTES} bytes (16 MiB); log large data elsewhere and keep a reference in metadata`);
  }
  return document;
}

function toBsonValue(value: unknown, path: string, seq: number): JsonValue {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new RecordRejectedError(seq, `${path} is ${value}, which JSON cannot hold`);
      return value;
    default:
      break;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((item, i) => (item === undefined ? null : toBsonValue(item, `${path}[${i}]`, seq)));
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      setOwn(out, escapeKey(key), toBsonValue(item, `${path}.${key}`, seq));
    }
    return out;
  }
  throw new RecordRejectedError(seq, `${path} is not a JSON value (got ${describeValue(value)})`);
}

/** The record a document holds, as the JSONL reader would return it. */
export function fromDocument(document: Document, stream: string): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(document)) {
    if (key === "_id" || key === "experiment" || (key === "stream" && stream !== LOGS_STREAM)) continue;
    setOwn(record, unescapeKey(key), fromBsonValue(document[key]));
  }
  return record;
}

function fromBsonValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(fromBsonValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, unescapeKey(key), fromBsonValue(value[key]));
    return out;
  }
  // Values written by other tools (ObjectId, Long, Decimal128, ...): their JSON form.
  const json = (value as { toJSON?: () => unknown }).toJSON;
  return typeof json === "function" ? json.call(value) : String(value);
}

/** A `__proto__` key stays an ordinary key, never a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
