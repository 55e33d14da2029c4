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

/** A reply entry that is BSON already (a stored document, projected on its bytes): spliced into the reply as it is. */
export class EncodedDocument {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
}

/**
 * What a reply sends for `document` under an exclusion projection of top-level fields
 * (`excluded`): its stored bytes less those fields, or undefined when they are not known.
 */
export function projectedBytes(document: Document, excluded: ReadonlySet<string>): EncodedDocument | undefined {
  const bytes = storedBytes(document);
  const projected = bytes === undefined ? undefined : withoutTopLevelFields(bytes, excluded);
  return projected === undefined ? undefined : new EncodedDocument(projected);
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
  const parts: Uint8Array[] = [];
  let length = 5;
  const keys = array ? Array.from({ length: (value as unknown[]).length }, (_, i) => String(i)) : Object.keys(value);
  for (const key of keys) {
    const item: unknown = array ? (value as unknown[])[Number(key)] : value[key];
    if (item === undefined && !array) continue; // BSON.serialize leaves undefined out (ignoreUndefined aside)
    let element: Uint8Array;
    if (isContainer(item) || item instanceof EncodedDocument) {
      const body = serializeDocument(item as Document);
      const name = Buffer.from(key, "utf8");
      const head = Buffer.alloc(name.length + 2);
      head[0] = Array.isArray(item) ? TYPE_ARRAY : TYPE_DOCUMENT;
      name.copy(head, 1);
      parts.push(head);
      length += head.length;
      element = body;
    } else {
      // Any other value: BSON's own encoding of `{ key: value }`, less its length and terminator.
      const single = BSON.serialize(array ? { [key]: item === undefined ? null : item } : { [key]: item });
      element = single.subarray(4, single.length - 1);
    }
    parts.push(element);
    length += element.length;
  }
  const out = Buffer.allocUnsafe(length);
  out.writeInt32LE(length, 0);
  let offset = 4;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  out[offset] = 0;
  return out;
}

/**
 * `bytes` (one BSON document) without the top-level fields named in `excluded`, or
 * undefined when an element's type is not one this walk knows how to skip.
 */
export function withoutTopLevelFields(bytes: Uint8Array, excluded: ReadonlySet<string>): Uint8Array | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = view.readInt32LE(0) - 1;
  const kept: [number, number][] = [];
  let length = 5;
  let offset = 4;
  while (offset < end) {
    const start = offset;
    const type = view[offset] as number;
    const nameEnd = view.indexOf(0, offset + 1);
    if (nameEnd < 0 || nameEnd >= end) return undefined;
    const size = valueSize(view, type, nameEnd + 1);
    if (size < 0) return undefined;
    offset = nameEnd + 1 + size;
    if (offset > end) return undefined;
    if (!excluded.has(view.toString("utf8", start + 1, nameEnd))) {
      kept.push([start, offset]);
      length += offset - start;
    }
  }
  const out = Buffer.allocUnsafe(length);
  out.writeInt32LE(length, 0);
  let at = 4;
  for (const [from, to] of kept) {
    view.copy(out, at, from, to);
    at += to - from;
  }
  out[at] = 0;
  return out;
}

/** Bytes of the value of an element of `type` starting at `at`; -1 for a type not handled. */
function valueSize(view: Buffer, type: number, at: number): number {
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
