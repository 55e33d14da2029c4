import { PARAMS_BATCH, batchKind, type JsonValue, type MetricsOpened } from "@dashlog/core";
import type { Db } from "mongodb";
import { paramsSnapshot } from "./params-snapshot.js";
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
  const snapshot = paramsSnapshot(await db.collection(collections.params).find({ experiment }).sort({ index: 1 }).toArray());
  let nextParamsIndex = snapshot?.nextIndex ?? 0;
  const params: Record<string, JsonValue> = { ...snapshot?.data };
  for (const [key, max] of pending) {
    const kind = batchKind(key);
    if (kind.kind === "metric") nextIndex[kind.metric] = Math.max(nextIndex[kind.metric] ?? 0, max + 1);
    else if (key === PARAMS_BATCH) nextParamsIndex = Math.max(nextParamsIndex, max + 1);
  }
  return { nextIndex, nextParamsIndex, params };
}

/**
 * The same for one worker joining a run: each series continues one past this worker's own last
 * point (its indexes count its own points), else one past the last point of a run of its own
 * (0 when none): the other workers' points are left out, so every worker of a fresh run starts
 * at the same index however late it joined, and their points line up step for step. Points of
 * the series still in this machine's spool raise the start past them (never an index used
 * before). Parameter changes of a joined run are not numbered (see joinedParamsUpdate).
 */
export async function readJoinedMetricsOpened(
  db: Db,
  collections: ResolvedConnection["collections"],
  experiment: string,
  worker: string,
  pending: ReadonlyMap<string, number>,
): Promise<MetricsOpened> {
  const highest = async (match: Record<string, unknown>): Promise<Map<string, number>> => {
    const out = new Map<string, number>();
    const groups = await db
      .collection(collections.metrics)
      .aggregate<{ _id: unknown; max: unknown }>([{ $match: { experiment, ...match } }, { $group: { _id: "$metric", max: { $max: "$index" } } }])
      .toArray();
    for (const { _id, max } of groups) if (typeof _id === "string" && typeof max === "number") out.set(_id, max);
    return out;
  };
  const own = await highest({ worker });
  const solo = await highest({ worker: { $exists: false } });
  const nextIndex: Record<string, number> = {};
  for (const name of new Set([...own.keys(), ...solo.keys()])) nextIndex[name] = (own.get(name) ?? solo.get(name) ?? -1) + 1;
  for (const [key, max] of pending) {
    const kind = batchKind(key);
    if (kind.kind === "metric") nextIndex[kind.metric] = Math.max(nextIndex[kind.metric] ?? 0, max + 1);
  }
  const snapshot = paramsSnapshot(await db.collection(collections.params).find({ experiment }).sort({ index: 1 }).toArray());
  return { nextIndex, nextParamsIndex: 0, params: { ...snapshot?.data } };
}
