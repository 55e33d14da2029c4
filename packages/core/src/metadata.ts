import { InvalidMetadataError } from "./errors.js";
import type { JsonObject, JsonValue } from "./json.js";

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
 * - NaN, Infinity and -Infinity become the strings "NaN", "Infinity", "-Infinity"; -0 becomes 0
 * - objects with `toJSON()` (Date, ...) are replaced by its result
 * - typed arrays become arrays of numbers
 * - Error instances become `{ name, message, stack }` (plus own fields and `cause`)
 * - a `__proto__` key is kept as an ordinary key, never as a prototype
 * Errors: BigInt, functions, symbols, Map, Set, WeakMap, WeakSet, DataView, circular
 * references, and nesting deeper than MAX_METADATA_DEPTH.
 */
export function normalizeMetadata(value: unknown, field = "metadata"): JsonObject | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new InvalidMetadataError(field, value, "must be a plain object (or omitted)");
  }
  // One Walk is reused from call to call (its stacks are empty between walks), so a call
  // allocates only the copy. A toJSON() or getter that normalises metadata while a walk is
  // under way finds no spare and gets a Walk of its own.
  const walk = spareWalk ?? new Walk();
  spareWalk = undefined;
  let result: JsonValue | typeof OMIT;
  try {
    result = walk.start(value, field);
  } finally {
    walk.reset();
    spareWalk = walk;
  }
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw new InvalidMetadataError(field, value, "must serialise to a JSON object");
  }
  return result;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

let spareWalk: Walk | undefined;

/** -0 becomes 0 (JSON writes it as 0, so every sink and the in-memory copy agree); NaN and the infinities become strings. */
function jsonNumber(value: number): number | string {
  if (value === 0) return 0;
  return Number.isFinite(value) ? value : String(value);
}

/**
 * One normalisation. The path of keys is kept as a stack and only turned into text when
 * an error is thrown, because building path strings for every key would dominate the cost
 * of a valid call (the common case, on the logging hot path).
 */
class Walk {
  #field = "metadata";
  readonly #keys: (string | number)[] = [];
  readonly #ancestors: object[] = [];

  start(value: unknown, field: string): JsonValue | typeof OMIT {
    this.#field = field;
    return this.value(value, "");
  }

  /** Empties the stacks a thrown error may have left behind. */
  reset(): void {
    if (this.#keys.length !== 0) this.#keys.length = 0;
    if (this.#ancestors.length !== 0) this.#ancestors.length = 0;
  }

  value(value: unknown, key: string): JsonValue | typeof OMIT {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        return jsonNumber(value);
      case "undefined":
        return OMIT;
      case "bigint":
        throw this.#error(value, "is a BigInt, which JSON cannot hold; convert it with String() or Number()");
      case "function":
        throw this.#error(value, "is a function, which cannot be stored");
      case "symbol":
        throw this.#error(value, "is a symbol, which cannot be stored");
      default:
        break;
    }
    if (value === null) return null;
    return this.#object(value as object, key);
  }

  #object(object: object, key: string): JsonValue | typeof OMIT {
    const ancestors = this.#ancestors;
    if (ancestors.length >= MAX_METADATA_DEPTH) {
      throw this.#error(object, `is nested deeper than ${MAX_METADATA_DEPTH} levels`);
    }
    if (ancestors.includes(object)) throw this.#error(object, "is a circular reference to one of its parents");
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    ancestors.push(object);
    try {
      if (typeof toJSON === "function") return this.value(toJSON.call(object, key), key);
      if (Array.isArray(object)) return this.#array(object);
      const proto: unknown = Object.getPrototypeOf(object);
      if (proto === Object.prototype || proto === null) return this.#fields(object as Record<string, unknown>, {});
      return this.#special(object);
    } finally {
      ancestors.pop();
    }
  }

  #special(object: object): JsonValue {
    if (object instanceof Map || object instanceof WeakMap) {
      throw this.#error(object, "cannot be stored as JSON; convert it first, e.g. with Object.fromEntries(map)");
    }
    if (object instanceof Set || object instanceof WeakSet) {
      throw this.#error(object, "cannot be stored as JSON; convert it first, e.g. with Array.from(set)");
    }
    if (ArrayBuffer.isView(object)) {
      if (object instanceof DataView) throw this.#error(object, "is a DataView; copy its bytes into an array first");
      return this.#array(Array.from(object as unknown as ArrayLike<unknown>));
    }
    if (object instanceof Error) {
      const out: JsonObject = { name: object.name, message: object.message };
      if (typeof object.stack === "string") out["stack"] = object.stack;
      this.#fields(object as unknown as Record<string, unknown>, out);
      if (object.cause !== undefined) {
        this.#keys.push("cause");
        const cause = this.value(object.cause, "cause");
        this.#keys.pop();
        if (cause !== OMIT) out["cause"] = cause;
      }
      return out;
    }
    // Other class instances are stored by their own enumerable fields, as JSON.stringify does.
    return this.#fields(object as Record<string, unknown>, {});
  }

  #array(items: readonly unknown[]): JsonValue[] {
    const out: JsonValue[] = new Array<JsonValue>(items.length);
    const keys = this.#keys;
    for (let i = 0; i < items.length; i++) {
      keys.push(i);
      const item = this.value(items[i], String(i));
      keys.pop();
      out[i] = item === OMIT ? null : item;
    }
    return out;
  }

  #fields(object: Record<string, unknown>, out: JsonObject): JsonObject {
    const keys = this.#keys;
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const raw = object[key];
      let item: JsonValue | typeof OMIT;
      // Strings, booleans, numbers and null, the usual metadata values, are converted here
      // without the path bookkeeping of value(), which only an error needs (and they never fail).
      switch (typeof raw) {
        case "string":
        case "boolean":
          item = raw;
          break;
        case "number":
          item = jsonNumber(raw);
          break;
        case "undefined":
          continue;
        default:
          if (raw === null) {
            item = null;
            break;
          }
          keys.push(key);
          item = this.value(raw, key);
          keys.pop();
          if (item === OMIT) continue;
      }
      if (key === "__proto__") {
        Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      } else {
        out[key] = item;
      }
    }
    return out;
  }

  #error(value: unknown, reason: string): InvalidMetadataError {
    let path = this.#field;
    for (const key of this.#keys) {
      path += typeof key === "number" ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    }
    return new InvalidMetadataError(path, value, reason);
  }
}
