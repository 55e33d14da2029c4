import { PARAMS_BATCH, batchKind, type JsonValue, type MetricsOpened } from "@dashlog/core";
import type { Db } from "mongodb";
import { fromParamsDocument } from "./metric-document.js";
import type { ResolvedConnection } from "./mongo-options.js";

/**
 * Where an experiment's metrics and parameter changes continue, and its parameters so far:
 * one past the highest number in MongoDB, in the spool, and handed to this sink (a batch in
 * transit is always in one of them), per metric. The parameters are those MongoDB has;
 * changes still in the spool are applied in their order when they are replayed.
 */
export async function readMetricsOpened(
  db: Db,
  collections: ResolvedConnection["collections"],
  experiment: string,
  pending: ReadonlyMap<string, number>,
): Promise<MetricsOpened> {
  const nextIndex: Record<string, number> = {};
  const highest = await db
    .collection(collections.metrics)
    .aggregate<{ _id: unknown; max: unknown }>([{ $match: { experiment } }, { $group: { _id: "$metric", max: { $max: "$index" } } }])
    .toArray();
  for (const { _id, max } of highest) {
    if (typeof _id === "string" && typeof max === "number") nextIndex[_id] = max + 1;
  }
  let nextParamsIndex = 0;
  const params: Record<string, JsonValue> = {};
  for (const document of await db.collection(collections.params).find({ experiment }).sort({ index: 1 }).toArray()) {
    const change = fromParamsDocument(document);
    if (change === undefined) continue;
    nextParamsIndex = Math.max(nextParamsIndex, change.index + 1);
    for (const [key, value] of Object.entries(change.data)) {
      Object.defineProperty(params, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  for (const [key, max] of pending) {
    const kind = batchKind(key);
    if (kind.kind === "metric") nextIndex[kind.metric] = Math.max(nextIndex[kind.metric] ?? 0, max + 1);
    else if (key === PARAMS_BATCH) nextParamsIndex = Math.max(nextParamsIndex, max + 1);
  }
  return { nextIndex, nextParamsIndex, params };
}
