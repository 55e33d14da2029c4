import type { JsonObject, JsonValue } from "@dashlog/core";

/**
 * An independent model of the metadata normalisation that packages/core/README.md documents
 * ("Metadata": the conversions table and the errors list), written from that text and not from
 * the implementation, to compute what a reader must get back for any input.
 */
export type ExpectedMetadata =
  | { readonly ok: true; readonly value: JsonObject | null }
  /** `path` is where the first unstorable value sits, in the README's form: `metadata.xs[1].y`. */
  | { readonly ok: false; readonly path: string };

/** "nesting deeper than 64 levels" is an error: the metadata object itself is level 1. */
const MAX_LEVELS = 64;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

class Unstorable {
  constructor(readonly path: string) {}
}

export function expectedMetadata(input: unknown): ExpectedMetadata {
  if (input === undefined || input === null) return { ok: true, value: null };
  // "metadata that is not an object" (an array or a typed array is not the object meant).
  if (typeof input !== "object" || Array.isArray(input) || ArrayBuffer.isView(input)) return { ok: false, path: "metadata" };
  try {
    const value = convert(input, "metadata", "", []);
    if (value === undefined || value === null || typeof value !== "object" || Array.isArray(value)) {
      return { ok: false, path: "metadata" };
    }
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Unstorable) return { ok: false, path: error.path };
    throw error;
  }
}

/** `undefined` means "dropped" (a property) or `null` (an array item). */
function convert(value: unknown, path: string, key: string, parents: readonly object[]): JsonValue | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isNaN(value) || !Number.isFinite(value)) return String(value); // "NaN", "Infinity", "-Infinity"
      return value === 0 ? 0 : value; // JSON has no -0: it is written 0 and reads back as 0
    case "bigint":
    case "function":
    case "symbol":
      throw new Unstorable(path);
    default:
      break;
  }
  if (value === null) return null;
  const object = value as object;
  if (parents.length >= MAX_LEVELS) throw new Unstorable(path);
  if (parents.includes(object)) throw new Unstorable(path); // circular
  const inside = [...parents, object];
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return convert(toJSON.call(object, key), path, key, inside);
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet || object instanceof DataView) {
    throw new Unstorable(path);
  }
  if (Array.isArray(object) || ArrayBuffer.isView(object)) {
    const items = Array.from(object as ArrayLike<unknown>);
    return items.map((item, i) => convert(item, `${path}[${i}]`, String(i), inside) ?? null);
  }
  const out: JsonObject = {};
  if (object instanceof Error) {
    out["name"] = object.name;
    out["message"] = object.message;
    if (typeof object.stack === "string") out["stack"] = object.stack;
  }
  for (const field of Object.keys(object)) {
    const child = IDENTIFIER.test(field) ? `${path}.${field}` : `${path}[${JSON.stringify(field)}]`;
    const item = convert((object as Record<string, unknown>)[field], child, field, inside);
    // Defined, not assigned, so a "__proto__" key stays an ordinary key.
    if (item !== undefined) Object.defineProperty(out, field, { value: item, enumerable: true, writable: true, configurable: true });
  }
  if (object instanceof Error && object.cause !== undefined) {
    const cause = convert(object.cause, `${path}.cause`, "cause", inside);
    if (cause !== undefined) out["cause"] = cause;
  }
  return out;
}
