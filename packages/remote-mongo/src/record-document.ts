import { LOGS_STREAM, describeValue, isPlainObject, type JsonValue, type StoredRecord } from "@dashlog/core";
import { BSON, type Document } from "mongodb";
import { escapeKey, escapeTopLevelKey, needsEscape, unescapeKey } from "./escape-keys.js";

/** MongoDB's largest document: 16 MiB. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** The exact form `Date.prototype.toISOString()` produces: stored as a BSON date, read back identical. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Room for what the walk below does not count: the `_id` the driver adds, the document's
 * own length and terminator, `experiment` and `stream` beyond their characters.
 */
const DOCUMENT_OVERHEAD = 64;

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
 * Records of one millisecond share their timestamp (core caches the string), so the last
 * conversion is kept: most records then skip both the pattern test and the parse.
 */
let lastTimestamp = "";
let lastTimestampMs = Number.NaN;

function timestampMs(value: string): number {
  if (value === lastTimestamp) return lastTimestampMs;
  let ms = value.length === 24 && ISO_UTC.test(value) ? Date.parse(value) : Number.NaN;
  // Date.parse rolls impossible dates over (February 30th becomes March 2nd): such a string
  // would not read back as itself, so it stays a string.
  if (!Number.isNaN(ms) && new Date(ms).toISOString() !== value) ms = Number.NaN;
  lastTimestamp = value;
  lastTimestampMs = ms;
  return ms;
}

/**
 * The Date of the last timestamp converted, shared by the documents of its millisecond:
 * the driver only reads it when it serialises them, and nothing changes it.
 */
let lastDateMs = Number.NaN;
let lastDate = new Date(0);

function dateOf(ms: number): Date {
  if (ms !== lastDateMs) {
    lastDate = new Date(ms);
    lastDateMs = ms;
  }
  return lastDate;
}

/** Top-level field names as stored, by record field name: records repeat the same few. */
const topLevelNames = new Map<string, string>();
const TOP_LEVEL_NAMES_KEPT = 256;

function topLevelName(key: string): string {
  let name = topLevelNames.get(key);
  if (name === undefined) {
    name = escapeTopLevelKey(key);
    if (topLevelNames.size < TOP_LEVEL_NAMES_KEPT) topLevelNames.set(key, name);
  }
  return name;
}

/**
 * The document stored for one record: `experiment` (and `stream` unless it is `logs`), then
 * the record's fields in order, with the canonical ISO `timestamp` as a BSON date and field
 * names escaped (see escape-keys.ts). Throws RecordRejectedError for what cannot be stored.
 *
 * Nested values that need no change (the usual case: core has already normalised metadata)
 * are shared with the record, not copied; the driver only ever adds `_id` to the top level,
 * which is always a new object.
 */
export function toDocument(experiment: string, stream: string, record: StoredRecord, worker?: string): Document {
  const document: Document = { experiment };
  // A joined run's records carry their worker; `logs` records have it as a field already.
  if (worker !== undefined && record["worker"] === undefined) document["worker"] = worker;
  let bound = DOCUMENT_OVERHEAD + 3 * experiment.length;
  if (stream !== LOGS_STREAM) {
    document["stream"] = stream;
    bound += 3 * stream.length;
  }
  const seq = record.sequenceNumber;
  // for..in walks the object's enumeration cache: no array of keys per record.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (value === undefined) continue;
    if (key === "timestamp" && typeof value === "string") {
      const ms = timestampMs(value);
      if (!Number.isNaN(ms)) {
        document["timestamp"] = dateOf(ms);
        bound += 24;
        continue;
      }
    }
    const name = topLevelName(key);
    const size = storedSize(value);
    if (size < 0) {
      const copy = toBsonValue(value, key, seq);
      setOwn(document, name, copy);
      const copySize = storedSize(copy);
      bound += copySize < 0 ? Number.POSITIVE_INFINITY : 3 * name.length + 2 + copySize;
    } else {
      setOwn(document, name, value);
      bound += 3 * name.length + 2 + size;
    }
  }
  // Only a record that might be too large is measured exactly: the driver measures every
  // document anyway when it serialises it, so doing it twice would cost ~0.7 µs a record.
  if (bound > MAX_DOCUMENT_BYTES) {
    const size = BSON.calculateObjectSize(document);
    if (size > MAX_DOCUMENT_BYTES) {
      throw new RecordRejectedError(seq, `the document is ${size} bytes, over MongoDB's limit of ${MAX_DOCUMENT_BYTES} bytes (16 MiB); log large data elsewhere and keep a reference in metadata`);
    }
  }
  return document;
}

/**
 * An upper bound of the BSON bytes of a value that can be stored exactly as it is (each
 * UTF-16 unit is at most 3 UTF-8 bytes, each element pays its type byte and key), or a
 * negative number when it must be copied first: a key to escape, an `undefined`, a
 * non-finite number, or something that is not JSON at all (the copy then says what).
 */
function storedSize(value: unknown): number {
  switch (typeof value) {
    case "string":
      return 5 + 3 * value.length;
    case "number":
      return Number.isFinite(value) ? 8 : -1;
    case "boolean":
      return 1;
    case "object":
      break;
    default:
      return -1;
  }
  if (value === null) return 0;
  let size = 5;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = storedSize(value[i]);
      if (item < 0) return -1;
      size += 12 + item;
    }
    return size;
  }
  if (!isPlainObject(value)) return -1;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || needsEscape(key)) return -1;
    const item = storedSize(value[key]);
    if (item < 0) return -1;
    size += 2 + 3 * key.length + item;
  }
  return size;
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
  if (Array.isArray(value)) {
    // An index loop, not map(): a hole becomes null, as in JSON.
    const out: JsonValue[] = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out[i] = item === undefined ? null : toBsonValue(item, `${path}[${i}]`, seq);
    }
    return out;
  }
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
  if (Array.isArray(value)) return isReadyJson(value, 0) ? value : value.map(fromBsonValue);
  if (isPlainObject(value)) {
    // The driver built this object for this read alone: when it is already the JSON the
    // reader returns (the usual metadata), it is handed out as it is instead of copied.
    if (isReadyJson(value, 0)) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(out, unescapeKey(key), fromBsonValue(value[key]));
    return out;
  }
  // Values written by other tools (ObjectId, Long, Decimal128, ...): their JSON form.
  const json = (value as { toJSON?: () => unknown }).toJSON;
  return typeof json === "function" ? json.call(value) : String(value);
}

/** Deeper than this the copy path decides; the check stays cheap and never recurses far. */
const READY_JSON_DEPTH = 8;

/**
 * True when `value` (a plain object or array from the driver) holds only JSON values under
 * keys that need no unescaping, so `fromBsonValue` would return an equal copy of it.
 */
function isReadyJson(value: object, depth: number): boolean {
  if (depth > READY_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isReadyValue(value[i], depth)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    if (key === "__proto__" || key.includes("%")) return false;
    if (!isReadyValue((value as Record<string, unknown>)[key], depth)) return false;
  }
  return true;
}

/** What `fromBsonValue` returns unchanged: any primitive, and arrays and plain objects of such. */
function isReadyValue(item: unknown, depth: number): boolean {
  if (item === null || typeof item !== "object") return true;
  return !(item instanceof Date) && isReadyJson(item, depth + 1);
}

/** A `__proto__` key stays an ordinary key, never a prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
