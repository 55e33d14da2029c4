import { DashlogError } from "@dashlog/core";
import type { Db, Document } from "mongodb";
import { isTransientError } from "./classify-error.js";

/**
 * The unique index on (experiment, metric, index) that builds before joined runs created on
 * the metrics collection. Now a point is (experiment, metric, index, worker): the workers of a
 * joined run each number their points, so two of them store an index 5. The old index refuses
 * the second as a duplicate key, which the sink counts as already stored (a retried batch's
 * points are duplicates too): the point would be lost without a word.
 */
export const STALE_METRICS_INDEX = "experiment_metric_index_unique";
const STALE_KEY: readonly (readonly [string, number])[] = [
  ["experiment", 1],
  ["metric", 1],
  ["index", 1],
];

const NAMESPACE_NOT_FOUND = 26;
const INDEX_NOT_FOUND = 27;

/**
 * The metrics collection still has a unique index on (experiment, metric, index) that the sink
 * could not drop: a joined run's points would be refused as duplicates and lost, so joining a
 * run is refused instead (runs of their own are not affected: their points have no worker).
 * `command` is the mongosh command that drops it.
 */
export class StaleMetricsIndexError extends DashlogError {
  readonly database: string;
  readonly collection: string;
  readonly index: string;
  readonly command: string;

  constructor(database: string, collection: string, index: string, reason: string) {
    const command = `db.getSiblingDB(${JSON.stringify(database)}).getCollection(${JSON.stringify(collection)}).dropIndex(${JSON.stringify(index)})`;
    super(
      "DASHLOG_MONGO_STALE_INDEX",
      `collection ${JSON.stringify(collection)} of database ${JSON.stringify(database)} has the unique index ${JSON.stringify(index)} on (experiment, metric, index), ` +
        `which refuses the points of a joined run's workers that share an index (they would be lost); ${reason}. ` +
        `Drop it (the sink's index ${JSON.stringify("experiment_metric_index_worker_unique")} keeps every point unique by worker), then start again: ${command}`,
    );
    this.database = database;
    this.collection = collection;
    this.index = index;
    this.command = command;
  }
}

/**
 * Called once the current indexes exist: drops the stale unique index when it is the one an
 * earlier dashlog created, under its name. Dropping it gives up nothing: the current unique index
 * starts with the same keys (every query it served is served), and for points without a worker
 * (runs of their own, earlier builds still writing) it refuses exactly the same duplicates.
 *
 * Returns the error to refuse joined runs with when the index is there and stays: named by
 * someone else (dashlog does not drop an index it did not create), or the drop was refused
 * (a user without the dropIndex privilege). A transient failure is thrown, to be tried again.
 */
export async function retireStaleMetricsIndex(db: Db, collection: string): Promise<StaleMetricsIndexError | undefined> {
  let indexes: Document[];
  try {
    indexes = await db.collection(collection).listIndexes().toArray();
  } catch (error) {
    if (codeOf(error) === NAMESPACE_NOT_FOUND) return undefined;
    throw error;
  }
  const stale = indexes.find((i) => i["unique"] === true && sameKey(i["key"] as Document | undefined));
  if (stale === undefined) return undefined;
  const name = String(stale["name"]);
  if (name !== STALE_METRICS_INDEX) return new StaleMetricsIndexError(db.databaseName, collection, name, "dashlog did not create it under that name, so it leaves it to you");
  try {
    await db.collection(collection).dropIndex(name);
  } catch (error) {
    // Another sink starting at the same time dropped it first.
    if (codeOf(error) === INDEX_NOT_FOUND) return undefined;
    if (isTransientError(error)) throw error;
    // The server's code and its name only: the message may quote the command, never needed here.
    const codeName = (error as { codeName?: unknown }).codeName;
    const what = [error instanceof Error ? error.name : String(error), codeOf(error), typeof codeName === "string" ? codeName : undefined].filter((p) => p !== undefined).join(" ");
    return new StaleMetricsIndexError(db.databaseName, collection, name, `the sink could not drop it (${what})`);
  }
  return undefined;
}

function sameKey(key: Document | undefined): boolean {
  if (key === undefined || key === null || typeof key !== "object") return false;
  const entries = Object.entries(key);
  return entries.length === STALE_KEY.length && entries.every(([field, direction], i) => field === STALE_KEY[i]?.[0] && Number(direction) === STALE_KEY[i]?.[1]);
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}
