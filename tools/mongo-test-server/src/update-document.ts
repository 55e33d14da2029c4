import type { Document } from "bson";
import { copyDocument } from "./apply-projection.js";
import { badValue } from "./command-error.js";
import { compareValues } from "./compare-values.js";
import { getPath, setPath, unsetPath } from "./document-path.js";

/** Applies an update (operators or a replacement document) to a copy of `document`. */
export function updateDocument(document: Document, update: Document, inserting: boolean): Document {
  const keys = Object.keys(update);
  if (keys.length > 0 && keys.every((k) => !k.startsWith("$"))) {
    return { _id: document["_id"], ...copyDocument(update) };
  }
  const out = copyDocument(document);
  for (const [op, fields] of Object.entries(update)) {
    if (fields === null || typeof fields !== "object") throw badValue(`${op} needs an object`);
    for (const [path, value] of Object.entries(fields as Document)) {
      switch (op) {
        case "$set":
          setPath(out, path, copyDocument(value));
          break;
        case "$setOnInsert":
          if (inserting) setPath(out, path, copyDocument(value));
          break;
        case "$unset":
          unsetPath(out, path);
          break;
        case "$inc": {
          const current = getPath(out, path);
          setPath(out, path, (typeof current === "number" ? current : 0) + Number(value));
          break;
        }
        case "$max": {
          const current = getPath(out, path);
          if (current === undefined || compareValues(value, current) > 0) setPath(out, path, value);
          break;
        }
        case "$min": {
          const current = getPath(out, path);
          if (current === undefined || compareValues(value, current) < 0) setPath(out, path, value);
          break;
        }
        case "$currentDate":
          setPath(out, path, new Date());
          break;
        default:
          throw badValue(`the test server does not support the update operator ${op}`);
      }
    }
  }
  return out;
}

/** The document an upsert starts from: the query's equality conditions. */
export function upsertSeed(filter: Document | undefined): Document {
  const seed: Document = {};
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (key.startsWith("$")) continue;
    const isOperator = value !== null && typeof value === "object" && !(value instanceof Date) && Object.keys(value).some((k) => k.startsWith("$"));
    if (isOperator) {
      const eq = (value as Document)["$eq"];
      if (eq !== undefined) setPath(seed, key, eq);
      continue;
    }
    setPath(seed, key, copyDocument(value));
  }
  return seed;
}
