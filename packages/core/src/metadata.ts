import { InvalidMetadataError } from "./errors.js";
import { isPlainObject, type JsonObject, type JsonValue } from "./json.js";

/** Deeper than this is almost surely a bug, and would overflow the stack of readers. */
export const MAX_METADATA_DEPTH = 64;

const OMIT = Symbol("omit");

/**
 * Turns user metadata into the JSON object that is stored, or throws InvalidMetadataError
 * naming the path of the first value that cannot be stored.
 *
 * The result is a copy taken at call time, so later mutation of the caller's object
 * never changes what was logged, and it equals what a reader gets back from any sink.
 * Conversions (documented in the README):
 * - `undefined` properties are dropped; `undefined` array items become `null` (as JSON does)
 * - NaN, Infinity and -Infinity become the strings "NaN", "Infinity", "-Infinity"
 * - objects with `toJSON()` (Date, ...) are replaced by its result
 * - typed arrays become arrays of numbers
 * - Error instances become `{ name, message, stack }` (plus `cause` when present)
 * - a `__proto__` key is kept as an ordinary key, never as a prototype
 * Errors: BigInt, functions, symbols, Map, Set, WeakMap, WeakSet, circular references,
 * and nesting deeper than MAX_METADATA_DEPTH.
 */
export function normalizeMetadata(value: unknown, field = "metadata"): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new InvalidMetadataError(field, value, "must be a plain object (or omitted)");
  }
  const ancestors = new Set<object>();
  const result = normalizeValue(value, field, "", 0, ancestors);
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw new InvalidMetadataError(field, value, "must serialise to a JSON object");
  }
  return result;
}

function normalizeValue(
  value: unknown,
  path: string,
  key: string,
  depth: number,
  ancestors: Set<object>,
): JsonValue | typeof OMIT {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "undefined":
      return OMIT;
    case "bigint":
      throw new InvalidMetadataError(path, value, "is a BigInt, which JSON cannot hold; convert it with String() or Number()");
    case "function":
      throw new InvalidMetadataError(path, value, "is a function, which cannot be stored");
    case "symbol":
      throw new InvalidMetadataError(path, value, "is a symbol, which cannot be stored");
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (depth >= MAX_METADATA_DEPTH) {
    throw new InvalidMetadataError(path, value, `is nested deeper than ${MAX_METADATA_DEPTH} levels`);
  }
  if (ancestors.has(object)) {
    throw new InvalidMetadataError(path, value, "is a circular reference to one of its parents");
  }
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet) {
    const hint = object instanceof Map ? "Object.fromEntries(map)" : "Array.from(set)";
    throw new InvalidMetadataError(path, value, `cannot be stored as JSON; convert it first, e.g. with ${hint}`);
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    ancestors.add(object);
    try {
      return normalizeValue(toJSON.call(object, key), path, key, depth + 1, ancestors);
    } finally {
      ancestors.delete(object);
    }
  }
  ancestors.add(object);
  try {
    if (Array.isArray(object)) return normalizeArray(object, path, depth, ancestors);
    if (ArrayBuffer.isView(object)) {
      if (object instanceof DataView) {
        throw new InvalidMetadataError(path, value, "is a DataView; copy its bytes into an array first");
      }
      return normalizeArray(Array.from(object as unknown as ArrayLike<unknown>), path, depth, ancestors);
    }
    if (object instanceof Error) return normalizeError(object, path, depth, ancestors);
    return normalizeObject(object as Record<string, unknown>, path, depth, ancestors);
  } finally {
    ancestors.delete(object);
  }
}

function normalizeArray(items: readonly unknown[], path: string, depth: number, ancestors: Set<object>): JsonValue[] {
  const out: JsonValue[] = new Array<JsonValue>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = normalizeValue(items[i], `${path}[${i}]`, String(i), depth + 1, ancestors);
    out[i] = item === OMIT ? null : item;
  }
  return out;
}

function normalizeObject(
  object: Record<string, unknown>,
  path: string,
  depth: number,
  ancestors: Set<object>,
): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(object)) {
    const item = normalizeValue(object[key], childPath(path, key), key, depth + 1, ancestors);
    if (item !== OMIT) setOwn(out, key, item);
  }
  return out;
}

function normalizeError(error: Error, path: string, depth: number, ancestors: Set<object>): JsonObject {
  const out: JsonObject = { name: error.name, message: error.message };
  if (typeof error.stack === "string") out["stack"] = error.stack;
  const rest = normalizeObject(error as unknown as Record<string, unknown>, path, depth, ancestors);
  for (const key of Object.keys(rest)) setOwn(out, key, rest[key] as JsonValue);
  if (error.cause !== undefined) {
    const cause = normalizeValue(error.cause, `${path}.cause`, "cause", depth + 1, ancestors);
    if (cause !== OMIT) out["cause"] = cause;
  }
  return out;
}

function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
