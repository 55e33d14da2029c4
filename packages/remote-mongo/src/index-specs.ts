import type { Db, IndexDescription } from "mongodb";
import type { ResolvedConnection } from "./mongo-options.js";

/**
 * Every index here starts with `experiment`, and so does every unique one: on a sharded
 * cluster, shard the big collections (logs, streams, metrics) on the ranged key
 * `{ experiment: 1 }` (not hashed: a hashed shard key allows no unique index but `_id`'s), and
 * each unique index is then one MongoDB can enforce, since a unique index must be prefixed by
 * the shard key. `runs`, `workers`, `locks` and `counters` are small: leave them unsharded, or
 * shard them the same way (`locks` and `counters` by `_id`, which is or starts with the experiment).
 *
 * The indexes the sink creates (idempotently: same name and key each time). In the logs
 * collection the stream is implied by the collection, so its unique key is
 * (experiment, sequenceNumber); the streams collection's is (experiment, stream, sequenceNumber).
 */
export function indexSpecs(collections: ResolvedConnection["collections"]): Record<string, IndexDescription[]> {
  return {
    [collections.logs]: [
      { key: { experiment: 1, sequenceNumber: 1 }, name: "experiment_sequenceNumber_unique", unique: true },
      { key: { experiment: 1, timestamp: 1 }, name: "experiment_timestamp" },
      { key: { experiment: 1, level: 1, sequenceNumber: 1 }, name: "experiment_level_sequenceNumber" },
      // The worker filter of joined runs (`tail --worker`); sparse, so runs of their own cost nothing.
      { key: { experiment: 1, worker: 1, sequenceNumber: 1 }, name: "experiment_worker_sequenceNumber", sparse: true },
    ],
    [collections.streams]: [
      { key: { experiment: 1, stream: 1, sequenceNumber: 1 }, name: "experiment_stream_sequenceNumber_unique", unique: true },
      { key: { experiment: 1, stream: 1, timestamp: 1 }, name: "experiment_stream_timestamp" },
      { key: { experiment: 1, sequenceNumber: 1 }, name: "experiment_sequenceNumber" },
    ],
    [collections.runs]: [
      { key: { experiment: 1, runId: 1 }, name: "experiment_runId_unique", unique: true },
      { key: { experiment: 1, startedAt: 1 }, name: "experiment_startedAt" },
    ],
    // A replayed or retried point or change is a duplicate key, counted as stored.
    [collections.metrics]: [
      // A joined run's workers each number their points of a series, so a point is (index, worker);
      // a run of its own's points have no worker (null in the index). The key order serves the
      // merged read, sorted by index then worker.
      { key: { experiment: 1, metric: 1, index: 1, worker: 1 }, name: "experiment_metric_index_worker_unique", unique: true },
      // The per-worker view (`readMetric(..., { worker })`).
      { key: { experiment: 1, metric: 1, worker: 1, index: 1 }, name: "experiment_metric_worker_index" },
      { key: { experiment: 1, metric: 1, createdAt: 1 }, name: "experiment_metric_createdAt" },
    ],
    // A run of its own's changes, one document each; a joined run's workers share one document
    // per experiment without an `index` (see joined-params-update.ts), which this index keeps single.
    [collections.params]: [{ key: { experiment: 1, index: 1 }, name: "experiment_index_unique", unique: true }],
    // Joined runs: one part per worker; `counters` is keyed by `_id` (the experiment) alone.
    [collections.workers]: [{ key: { experiment: 1, runId: 1, worker: 1 }, name: "experiment_runId_worker_unique", unique: true }],
    // locks: one document per experiment, keyed by _id; no extra index.
  };
}

export async function ensureIndexes(db: Db, collections: ResolvedConnection["collections"]): Promise<void> {
  for (const [collection, specs] of Object.entries(indexSpecs(collections))) {
    await db.collection(collection).createIndexes(specs);
  }
}
