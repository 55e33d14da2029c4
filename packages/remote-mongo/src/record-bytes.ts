import { isUtf8 } from "node:buffer";
import { LOGS_STREAM } from "@dashlog/core";
import { BSON } from "mongodb";
import { unescapeKey } from "./escape-keys.js";
import { fromDocument } from "./record-document.js";

// The reader's page decoding. The driver decodes each document into an object
// (`BSON.deserialize`, in JavaScript) and `fromDocument` then walks that object again to
// make the record (dates to ISO strings, escaped keys back); reading a large run, the two
// passes were two thirds of the reader's time. Here the record is built straight from the
// bytes in one pass. Anything but the types the sink writes (a value another tool stored:
// ObjectId, Decimal128, a long beyond 2^53, binary, ...) or bytes that are not sound BSON
// send the whole document down the old path, so the result is always what
// `fromDocument(BSON.deserialize(bytes))` gives (the driver's default options).

/** The driver's defaults, for the documents the one-pass decoder leaves to `BSON.deserialize`. */
const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

/** Thrown inside the decoder for anything it does not decode itself; never escapes this file. */
class NotHandled extends Error {}
const NOT_HANDLED = new NotHandled("not handled by the one-pass decoder");

/** Deeper than this the old path decides (and the driver's own limits apply). */
const MAX_DEPTH = 100;

/** The record one stored document holds, as `fromDocument(BSON.deserialize(bytes), stream)` returns it. */
export function recordFromBytes(bytes: Uint8Array, stream: string): Record<string, unknown> {
  try {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new RecordDecoder(buffer).topLevel(stream !== LOGS_STREAM);
  } catch (error) {
    if (!(error instanceof NotHandled) && !(error instanceof RangeError)) throw error;
    return fromDocument(BSON.deserialize(bytes, DESERIALIZE_OPTIONS), stream);
  }
}

/**
 * The value of a top-level numeric field (double, int32 or int64 within 2^53) without
 * decoding the document, or undefined when it is absent or of another type. The reader
 * finds the last sequence number of a page with it before the page is decoded.
 */
export function topLevelNumber(bytes: Uint8Array, field: string): number | undefined {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const end = buffer.readInt32LE(0) - 1;
    let at = 4;
    while (at < end) {
      const type = buffer[at] as number;
      const nameEnd = buffer.indexOf(0, at + 1);
      if (nameEnd < 0) return undefined;
      const valueAt = nameEnd + 1;
      if (nameEnd - at - 1 === field.length && buffer.toString("latin1", at + 1, nameEnd) === field) {
        if (type === 0x01) return buffer.readDoubleLE(valueAt);
        if (type === 0x10) return buffer.readInt32LE(valueAt);
        if (type === 0x12) {
          const value = buffer.readBigInt64LE(valueAt);
          return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : undefined;
        }
        return undefined;
      }
      const size = skipSize(buffer, type, valueAt);
      if (size < 0) return undefined;
      at = valueAt + size;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Bytes of a value of `type` at `at`, for skipping it; -1 for a type not known here. */
function skipSize(buffer: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01:
    case 0x09:
    case 0x11:
    case 0x12:
      return 8;
    case 0x02:
    case 0x0d:
    case 0x0e:
      return 4 + buffer.readInt32LE(at);
    case 0x03:
    case 0x04:
    case 0x0f:
      return buffer.readInt32LE(at);
    case 0x05:
      return 5 + buffer.readInt32LE(at);
    case 0x06:
    case 0x0a:
    case 0x7f:
    case 0xff:
      return 0;
    case 0x07:
      return 12;
    case 0x08:
      return 1;
    case 0x10:
      return 4;
    case 0x13:
      return 16;
    default:
      return -1;
  }
}

/**
 * ISO strings of BSON dates: records of one millisecond share theirs, and those of one
 * second share all but the milliseconds, so `toISOString` runs about once a second of data.
 */
let lastDateMs = Number.NaN;
let lastDateIso = "";
let lastSecond = Number.NaN;
/** `lastSecond`'s ISO string up to and including the "." before the milliseconds. */
let lastSecondPrefix = "";

function isoOf(ms: number): string {
  if (ms === lastDateMs) return lastDateIso;
  const second = Math.floor(ms / 1000);
  if (second === lastSecond) {
    const fraction = ms - second * 1000;
    lastDateIso = `${lastSecondPrefix}${fraction < 10 ? "00" : fraction < 100 ? "0" : ""}${fraction}Z`;
  } else {
    // An out-of-range date throws here (RangeError), as fromDocument's toISOString would.
    lastDateIso = new Date(ms).toISOString();
    lastSecond = second;
    lastSecondPrefix = lastDateIso.slice(0, -4);
  }
  lastDateMs = ms;
  return lastDateIso;
}

/** Short strings seen before (field names, levels, messages), by a hash of their bytes: no decoding, no new string. */
const SHORT_STRING_BYTES = 32;
const STRING_CACHE_SIZE = 1024;
const stringCache: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_SIZE);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

class RecordDecoder {
  readonly #buffer: Buffer;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
  }

  /** The record: every top-level field but `_id`, `experiment` and (outside `logs`) `stream`, keys unescaped. */
  topLevel(dropStream: boolean): Record<string, unknown> {
    const buffer = this.#buffer;
    const size = buffer.readInt32LE(0);
    if (size !== buffer.length || buffer[size - 1] !== 0) throw NOT_HANDLED;
    const record: Record<string, unknown> = {};
    let at = 4;
    const end = size - 1;
    while (at < end) {
      const type = buffer[at] as number;
      const nameEnd = buffer.indexOf(0, at + 1);
      if (nameEnd < 0 || nameEnd >= end) throw NOT_HANDLED;
      const key = this.#key(at + 1, nameEnd);
      at = nameEnd + 1;
      if (key === "_id" || key === "experiment" || (dropStream && key === "stream")) {
        const skip = skipSize(buffer, type, at);
        if (skip < 0) throw NOT_HANDLED;
        at += skip;
        continue;
      }
      at = this.#value(record, unescapeKey(key), type, at, 0);
    }
    if (at !== end) throw NOT_HANDLED;
    return record;
  }

  /** Decodes one element's value at `at` into `target[key]`; returns where the next element starts. */
  #value(target: Record<string, unknown> | unknown[], key: string | number, type: number, at: number, depth: number): number {
    const buffer = this.#buffer;
    let value: unknown;
    let next: number;
    switch (type) {
      case 0x01:
        value = buffer.readDoubleLE(at);
        next = at + 8;
        break;
      case 0x02: {
        const length = buffer.readInt32LE(at);
        const start = at + 4;
        next = start + length;
        if (length < 1 || next > buffer.length || buffer[next - 1] !== 0) throw NOT_HANDLED;
        value = this.#string(start, next - 1);
        break;
      }
      case 0x03:
      case 0x04: {
        const length = buffer.readInt32LE(at);
        next = at + length;
        if (length < 5 || next > buffer.length || buffer[next - 1] !== 0 || depth >= MAX_DEPTH) throw NOT_HANDLED;
        value = type === 0x03 ? this.#object(at + 4, next - 1, depth + 1) : this.#array(at + 4, next - 1, depth + 1);
        break;
      }
      case 0x08: {
        const byte = buffer[at];
        if (byte !== 0 && byte !== 1) throw NOT_HANDLED;
        value = byte === 1;
        next = at + 1;
        break;
      }
      case 0x09:
        value = isoOf(Number(buffer.readBigInt64LE(at)));
        next = at + 8;
        break;
      case 0x0a:
        value = null;
        next = at;
        break;
      case 0x10:
        value = buffer.readInt32LE(at);
        next = at + 4;
        break;
      case 0x12: {
        const long = buffer.readBigInt64LE(at);
        // The driver promotes a long to a number only within 2^53; beyond it a Long object.
        if (long > MAX_SAFE || long < MIN_SAFE) throw NOT_HANDLED;
        value = Number(long);
        next = at + 8;
        break;
      }
      default:
        throw NOT_HANDLED;
    }
    if (next > buffer.length) throw NOT_HANDLED;
    if (Array.isArray(target)) target.push(value);
    else if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else target[key as string] = value;
    return next;
  }

  #object(at: number, end: number, depth: number): Record<string, unknown> {
    const buffer = this.#buffer;
    const out: Record<string, unknown> = {};
    while (at < end) {
      const type = buffer[at] as number;
      const nameEnd = buffer.indexOf(0, at + 1);
      if (nameEnd < 0 || nameEnd >= end) throw NOT_HANDLED;
      const key = unescapeKey(this.#key(at + 1, nameEnd));
      at = this.#value(out, key, type, nameEnd + 1, depth);
    }
    if (at !== end) throw NOT_HANDLED;
    return out;
  }

  #array(at: number, end: number, depth: number): unknown[] {
    const buffer = this.#buffer;
    const out: unknown[] = [];
    while (at < end) {
      const type = buffer[at] as number;
      const nameEnd = buffer.indexOf(0, at + 1);
      if (nameEnd < 0 || nameEnd >= end) throw NOT_HANDLED;
      // Array keys are "0", "1", ...: the driver ignores them too and keeps the order.
      at = this.#value(out, out.length, type, nameEnd + 1, depth);
    }
    if (at !== end) throw NOT_HANDLED;
    return out;
  }

  /** A field name: ASCII names (nearly all) without the UTF-8 decoder. */
  #key(start: number, end: number): string {
    return this.#string(start, end);
  }

  #string(start: number, end: number): string {
    const buffer = this.#buffer;
    if (end - start <= SHORT_STRING_BYTES) {
      let hash = end - start;
      let ascii = true;
      for (let i = start; i < end; i++) {
        const c = buffer[i] as number;
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        hash = (Math.imul(hash, 31) + c) | 0;
      }
      if (ascii) {
        const slot = hash & (STRING_CACHE_SIZE - 1);
        const cached = stringCache[slot];
        if (cached !== undefined && cached.length === end - start && sameAscii(cached, buffer, start)) return cached;
        const decoded = buffer.toString("latin1", start, end);
        stringCache[slot] = decoded;
        return decoded;
      }
    }
    for (let i = start; i < end; i++) {
      if ((buffer[i] as number) >= 0x80) {
        // Invalid UTF-8 is an error in the driver (utf8 validation is on by default): the old path raises it.
        if (!isUtf8(buffer.subarray(start, end))) throw NOT_HANDLED;
        return buffer.toString("utf8", start, end);
      }
    }
    return buffer.toString("latin1", start, end);
  }
}

/** True when `text` (ASCII, of the right length) is the bytes at `start`. */
function sameAscii(text: string, buffer: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buffer[start + i]) return false;
  return true;
}
