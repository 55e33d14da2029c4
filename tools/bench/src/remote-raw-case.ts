import { DEFAULT_COLLECTIONS, indexSpecs } from "@dashlog/remote-mongo";
import { MongoClient, type Document } from "mongodb";
import { MESSAGE, metadataFor } from "./local-record.js";
import { REMOTE_PREFIX, type RemoteCaseOptions, type RemoteCaseResult } from "./remote-options.js";

/**
 * The raw driver: build the same documents the sink stores (`experiment`, a BSON date
 * `timestamp`, `level`, `message`, `metadata`, `sequenceNumber`) and send them with unordered
 * `insertMany` of `batchSize` each into a collection with the sink's indexes: one at a time
 * (a plain loop), or with `concurrency` calls on their way at once.
 */
export async function runRemoteRawCase(options: RemoteCaseOptions): Promise<RemoteCaseResult> {
  const client = new MongoClient(options.uri, { appName: "dashlog-bench-raw" });
  await client.connect();
  try {
    const db = client.db(options.database);
    const logs = db.collection(DEFAULT_COLLECTIONS.logs);
    const specs = indexSpecs(DEFAULT_COLLECTIONS)[DEFAULT_COLLECTIONS.logs] ?? [];
    if (specs.length === 0) throw new Error("indexSpecs() has no indexes for the logs collection");
    await logs.createIndexes(specs);
    const n = options.records;
    const concurrency = options.concurrency ?? 1;
    const sending: Promise<unknown>[] = [];
    const start = performance.now();
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + options.batchSize);
      const documents: Document[] = [];
      for (; i < end; i++) {
        documents.push({ experiment: REMOTE_PREFIX, timestamp: new Date(), level: "info", message: MESSAGE, metadata: metadataFor(i), sequenceNumber: i });
      }
      sending.push(logs.insertMany(documents, { ordered: false }));
      if (sending.length >= concurrency) await sending.shift();
    }
    await Promise.all(sending);
    const elapsedMs = performance.now() - start;
    const stored = await logs.countDocuments({ experiment: REMOTE_PREFIX });
    if (stored !== n) throw new Error(`raw insertMany: ${stored} documents stored, expected ${n}`);
    await db.dropDatabase().catch(() => undefined);
    return { variant: `raw insertMany x${concurrency}`, records: n, elapsedMs, recordsPerSecond: n / (elapsedMs / 1000), stored };
  } finally {
    await client.close();
  }
}
