import type { Collection } from "mongodb";
import type { WatchedKind } from "./watched-collections.js";

/**
 * What one poll sees of an experiment, per collection, cheaply and from the indexes the sink
 * creates: the highest sequence number of the logs and of the streams, how many metric points
 * and parameter changes there are, and each run's status and end. A kind whose value differs
 * from the last poll changed.
 */
export async function pollSignature(collections: ReadonlyMap<WatchedKind, Collection>, experiment: string): Promise<Map<WatchedKind, string>> {
  const highest = async (collection: Collection) => {
    const [top] = await collection.find({ experiment }, { projection: { _id: 0, sequenceNumber: 1 } }).sort({ sequenceNumber: -1 }).limit(1).toArray();
    return String(top?.["sequenceNumber"] ?? -1);
  };
  const count = async (collection: Collection) => String(await collection.countDocuments({ experiment }));
  const runs = async (collection: Collection) => {
    const docs = await collection.find({ experiment }, { projection: { _id: 0, runId: 1, status: 1, endedAt: 1, nextSequenceNumber: 1 } }).toArray();
    return JSON.stringify(docs.map((d) => [d["runId"], d["status"], d["endedAt"], d["nextSequenceNumber"]]));
  };
  const entries = await Promise.all(
    [...collections].map(async ([kind, collection]): Promise<[WatchedKind, string]> => {
      if (kind === "logs" || kind === "streams") return [kind, await highest(collection)];
      if (kind === "runs") return [kind, await runs(collection)];
      return [kind, await count(collection)];
    }),
  );
  return new Map(entries);
}
