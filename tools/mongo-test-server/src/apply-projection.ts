import type { Document } from "bson";
import { badValue } from "./command-error.js";
import { getPath, setPath, unsetPath } from "./document-path.js";

/** Inclusion (`{ a: 1, _id: 0 }`) or exclusion (`{ a: 0 }`) projections; anything fancier is refused. */
export function applyProjection(document: Document, projection: Document | undefined): Document {
  if (projection === undefined || Object.keys(projection).length === 0) return document;
  const entries = Object.entries(projection);
  for (const [, v] of entries) {
    if (typeof v === "object" && v !== null) throw badValue("the test server supports only 0/1 projections");
  }
  const included = entries.filter(([k, v]) => k !== "_id" && Boolean(v)).map(([k]) => k);
  const idSetting = projection["_id"];
  if (included.length > 0) {
    const out: Document = {};
    if (idSetting === undefined || Boolean(idSetting)) {
      if (document["_id"] !== undefined) out["_id"] = document["_id"];
    }
    for (const path of included) {
      const value = getPath(document, path);
      if (value !== undefined) setPath(out, path, value);
    }
    return out;
  }
  const excluded = entries.filter(([, v]) => !v).map(([k]) => k);
  if (excluded.every((path) => !path.includes("."))) {
    // Top-level fields only (the readers' projection, on every document they page through):
    // a shallow copy without them; the nested values are only read when the reply is encoded.
    const out: Document = {};
    for (const key of Object.keys(document)) {
      if (excluded.includes(key)) continue;
      if (key === "__proto__") Object.defineProperty(out, key, { value: document[key], enumerable: true, writable: true, configurable: true });
      else out[key] = document[key];
    }
    return out;
  }
  const out = copyDocument(document);
  for (const path of excluded) unsetPath(out, path);
  return out;
}

/** Copies plain objects and arrays; BSON values (ObjectId, Date, ...) are immutable here and shared. */
export function copyDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => copyDocument(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyDocument(v);
    return out as T;
  }
  return value;
}

/**
 * The fields an exclusion projection of top-level fields only (`{ _id: 0, experiment: 0 }`,
 * the readers' projection) leaves out, or undefined for any other projection.
 */
export function topLevelExclusions(projection: Document | undefined): ReadonlySet<string> | undefined {
  if (projection === undefined) return undefined;
  const excluded = new Set<string>();
  for (const [path, value] of Object.entries(projection)) {
    if (typeof value === "object" && value !== null) return undefined;
    if (path.includes(".")) return undefined;
    if (!value) excluded.add(path);
    else if (path !== "_id") return undefined;
  }
  return excluded.size === 0 ? undefined : excluded;
}
