import { LOGS_STREAM, type JsonValue, type ParamsSnapshot } from "@dashlog/core";
import type { Document } from "mongodb";
import { fromParamsDocument } from "./metric-document.js";
import { fromDocument } from "./record-document.js";

interface Change {
  readonly data: Record<string, unknown>;
  readonly updatedAt: string | null;
}

/**
 * The parameters from an experiment's documents in the params collection, sorted by `index`:
 * runs of their own's numbered changes, applied in order, and the joined runs' shared document
 * (see joinedParamsUpdate), applied where its last update falls among them in time. `version`
 * counts every change: the numbered ones and each joined worker's. Null when there are none.
 * `nextIndex` is where a run of its own numbers its next change.
 */
export function paramsSnapshot(documents: readonly Document[]): (ParamsSnapshot & { readonly nextIndex: number }) | null {
  const changes: Change[] = [];
  let nextIndex = 0;
  let joinedChanges = 0;
  let joined: (Change & { readonly createdAt: string | null }) | undefined;
  for (const document of documents) {
    if (document["joined"] === true && document["index"] === undefined) {
      const record = fromDocument({ data: document["data"] ?? {}, updatedAt: document["updatedAt"], createdAt: document["createdAt"] }, LOGS_STREAM);
      const data = record["data"];
      joined = {
        data: typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
        updatedAt: typeof record["updatedAt"] === "string" ? record["updatedAt"] : null,
        createdAt: typeof record["createdAt"] === "string" ? record["createdAt"] : null,
      };
      const workers = document["workers"];
      if (typeof workers === "object" && workers !== null) {
        for (const count of Object.values(workers as Record<string, unknown>)) if (typeof count === "number" && Number.isSafeInteger(count) && count > 0) joinedChanges += count;
      }
      continue;
    }
    const change = fromParamsDocument(document);
    if (change === undefined) continue;
    changes.push(change);
    nextIndex = Math.max(nextIndex, change.index + 1);
  }
  if (joined !== undefined) {
    // ISO-8601 UTC text orders as time does.
    const at = changes.findIndex((change) => joined.updatedAt !== null && change.updatedAt !== null && change.updatedAt > joined.updatedAt);
    changes.splice(at === -1 ? changes.length : at, 0, joined);
  }
  if (changes.length === 0) return null;
  const data: Record<string, JsonValue> = {};
  for (const change of changes) {
    for (const [key, value] of Object.entries(change.data)) {
      // As data: a "__proto__" parameter must not become a prototype.
      Object.defineProperty(data, key, { value: value as JsonValue, enumerable: true, writable: true, configurable: true });
    }
  }
  const times = changes.map((change) => change.updatedAt).filter((t): t is string => t !== null);
  const created = [...times, ...(joined?.createdAt === null || joined === undefined ? [] : [joined.createdAt])].sort();
  return {
    data,
    version: nextIndex + joinedChanges,
    createdAt: created[0] ?? null,
    updatedAt: times.sort().at(-1) ?? null,
    nextIndex,
  };
}
