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
  const out = copyDocument(document);
  for (const [path, v] of entries) if (!v) unsetPath(out, path);
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
