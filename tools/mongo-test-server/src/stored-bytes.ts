import { BSON, type Document } from "bson";

// A document a client sent is kept as the object the commands work on and, beside it, as
// the BSON bytes it arrived in. Replies that hand stored documents back splice those bytes
// in instead of encoding each document again on every read: encoding replies in JavaScript
// was most of the server's time when a reader paged through a large collection, and the
// bytes are also what a real server returns (a double stays a double, a long a long).
//
// Stored documents are never changed in place (updates and replacements build new
// objects), so bytes, once remembered, stay right for their document.

// The bytes ride on the document under a symbol, not enumerable: invisible to Object.keys,
// spreads, copies and comparisons, and (unlike a WeakMap entry) nothing for the collector
// to trace separately: a WeakMap cost more than the decoding itself at 100,000 documents.
const BYTES = Symbol("bsonBytes");

/** Remembers the BSON bytes `document` was decoded from. */
export function rememberBytes(document: Document, bytes: Uint8Array): void {
  Object.defineProperty(document, BYTES, { value: bytes });
}

/** The BSON bytes `document` was decoded from, when known. */
export function storedBytes(document: Document): Uint8Array | undefined {
  return (document as { [BYTES]?: Uint8Array })[BYTES];
}

/**
 * A reply entry that is BSON already: some elements of a stored document's bytes (all of
 * them, or those a projection keeps), written straight into the reply that sends it, so a
 * projected document costs no buffer of its own.
 */
export class EncodedDocument {
  readonly source: Uint8Array;
  /** `[from, to)` offsets into `source` of the elements kept, in order. */
  readonly ranges: readonly number[];
  /** Bytes of the document: its length, the kept elements, the terminator. */
  readonly length: number;

  constructor(source: Uint8Array, ranges: readonly number[], length: number) {
    this.source = source;
    this.ranges = ranges;
    this.length = length;
  }

  /** The document's bytes, on their own. */
  get bytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.length);
    this.writeTo(out, 0);
    return out;
  }

  /** Writes the document at `at`; returns the offset after it. */
  writeTo(out: Buffer, at: number): number {
    out.writeInt32LE(this.length, at);
    let to = at + 4;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const from = this.ranges[i] as number;
      const end = this.ranges[i + 1] as number;
      if (Buffer.isBuffer(this.source)) this.source.copy(out, to, from, end);
      else out.set(this.source.subarray(from, end), to);
      to += end - from;
    }
    out[to] = 0;
    return to + 1;
  }
}

/**
 * What a reply sends for `document` under an exclusion projection of top-level fields
 * (`excluded`): its stored bytes less those fields, or undefined when they are not known.
 */
export function projectedBytes(document: Document, excluded: ReadonlySet<string>): EncodedDocument | undefined {
  const bytes = storedBytes(document);
  return bytes === undefined ? undefined : keptElements(bytes, excluded);
}

/** Nesting a reply puts above its documents: `{ cursor: { firstBatch: [ ...documents ] } }`. */
const SEARCH_DEPTH = 3;

/** `BSON.serialize(document)`, with the remembered bytes of any stored document in it spliced in. */
export function serializeDocument(document: Document): Uint8Array {
  if (document instanceof EncodedDocument) return document.bytes;
  const stored = storedBytes(document);
  if (stored !== undefined) return stored;
  return holdsStored(document, SEARCH_DEPTH) ? serializeContainer(document, false) : BSON.serialize(document);
}

/** True when a stored document is within `depth` levels: only then is the piecewise encoding worth it. */
function holdsStored(value: Document, depth: number): boolean {
  if (depth === 0) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (isStored(item) || (isContainer(item) && holdsStored(item, depth - 1))) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    const item: unknown = value[key];
    if (isStored(item) || (isContainer(item) && holdsStored(item, depth - 1))) return true;
  }
  return false;
}

function isStored(value: unknown): boolean {
  return value instanceof EncodedDocument || (isContainer(value) && storedBytes(value) !== undefined);
}

/** A plain object or an array: what BSON encodes as an embedded document or array. */
function isContainer(value: unknown): value is Document {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const TYPE_DOCUMENT = 0x03;
const TYPE_ARRAY = 0x04;

function serializeContainer(value: Document, array: boolean): Uint8Array {
  // Two passes: the pieces and their length, then one buffer written in place (a buffer or
  // two per element made replies of 1,000 documents cost more than the documents).
  const types: number[] = [];
  const names: string[] = [];
  const bodies: (Uint8Array | EncodedDocument)[] = [];
  let length = 5;
  const keys = array ? Array.from({ length: (value as unknown[]).length }, (_, i) => String(i)) : Object.keys(value);
  for (const key of keys) {
    const item: unknown = array ? (value as unknown[])[Number(key)] : value[key];
    if (item === undefined && !array) continue; // BSON.serialize leaves undefined out (ignoreUndefined aside)
    if (isContainer(item) || item instanceof EncodedDocument) {
      const body = item instanceof EncodedDocument ? item : serializeDocument(item);
      types.push(Array.isArray(item) ? TYPE_ARRAY : TYPE_DOCUMENT);
      names.push(key);
      bodies.push(body);
      length += 2 + utf8Length(key) + body.length;
    } else {
      // Any other value: BSON's own encoding of `{ key: value }`, less its length and terminator.
      const single = BSON.serialize(array ? { [key]: item === undefined ? null : item } : { [key]: item });
      types.push(-1);
      names.push(key);
      bodies.push(single.subarray(4, single.length - 1));
      length += single.length - 5;
    }
  }
  const out = Buffer.allocUnsafe(length);
  out.writeInt32LE(length, 0);
  let at = 4;
  for (let i = 0; i < bodies.length; i++) {
    const type = types[i] as number;
    if (type >= 0) {
      out[at++] = type;
      at = writeName(out, at, names[i] as string);
      out[at++] = 0;
    }
    const body = bodies[i] as Uint8Array | EncodedDocument;
    if (body instanceof EncodedDocument) {
      at = body.writeTo(out, at);
    } else {
      out.set(body, at);
      at += body.length;
    }
  }
  out[at] = 0;
  return out;
}

/** UTF-8 bytes of a field name; names are nearly always ASCII (array indexes always are). */
function utf8Length(name: string): number {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x80) return Buffer.byteLength(name, "utf8");
  return name.length;
}

/** Writes a field name at `at` (without its NUL); returns the offset after it. */
function writeName(out: Buffer, at: number, name: string): number {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x80) return at + out.write(name, at, "utf8");
  for (let i = 0; i < name.length; i++) out[at + i] = name.charCodeAt(i);
  return at + name.length;
}

/**
 * `bytes` (one BSON document) without the top-level fields named in `excluded`, or
 * undefined when an element's type is not one this walk knows how to skip.
 */
export function withoutTopLevelFields(bytes: Uint8Array, excluded: ReadonlySet<string>): Uint8Array | undefined {
  return keptElements(bytes, excluded)?.bytes;
}

/** The elements of `bytes` (one BSON document) not named in `excluded`, as ranges of it; undefined as above. */
function keptElements(bytes: Uint8Array, excluded: ReadonlySet<string>): EncodedDocument | undefined {
  const size = bytes.length >= 5 ? (bytes[0] as number) | ((bytes[1] as number) << 8) | ((bytes[2] as number) << 16) | ((bytes[3] as number) << 24) : -1;
  if (size !== bytes.length || bytes[size - 1] !== 0) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = size - 1;
  // Kept elements as ranges, adjacent ones merged: a reader's projection drops the leading
  // `_id` and `experiment`, so the rest is usually one range.
  const ranges: number[] = [];
  let length = 5;
  let at = 4;
  while (at < end) {
    const start = at;
    const type = view[at] as number;
    let nameEnd = at + 1;
    while (nameEnd < end && view[nameEnd] !== 0) nameEnd++;
    if (nameEnd >= end) return undefined;
    const valueSize = valueSizeAt(view, type, nameEnd + 1);
    if (valueSize < 0) return undefined;
    at = nameEnd + 1 + valueSize;
    if (at > end) return undefined;
    if (excluded.size > 0 && isNamed(view, start + 1, nameEnd, excluded)) continue;
    if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = at;
    else ranges.push(start, at);
    length += at - start;
  }
  return new EncodedDocument(bytes, ranges, length);
}

/** True when the name at `start..end` is one of `names` (ASCII names compared without decoding). */
function isNamed(view: Buffer, start: number, end: number, names: ReadonlySet<string>): boolean {
  for (const name of names) {
    if (name.length !== end - start) continue;
    let same = true;
    for (let i = 0; i < name.length; i++) {
      if (name.charCodeAt(i) !== view[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return true;
  }
  // A name with non-ASCII characters: compare it decoded.
  for (let i = start; i < end; i++) if ((view[i] as number) >= 0x80) return names.has(view.toString("utf8", start, end));
  return false;
}

/** Bytes of the value of an element of `type` starting at `at`; -1 for a type not handled. */
function valueSizeAt(view: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: // symbol
      return 4 + view.readInt32LE(at);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return view.readInt32LE(at);
    case 0x05: // binary: length, subtype, bytes
      return 5 + view.readInt32LE(at);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regular expression: two C strings
      const first = view.indexOf(0, at);
      const second = first < 0 ? -1 : view.indexOf(0, first + 1);
      return second < 0 ? -1 : second + 1 - at;
    }
    case 0x0c: // DBPointer: string, then 12 bytes
      return 4 + view.readInt32LE(at) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      return -1;
  }
}
