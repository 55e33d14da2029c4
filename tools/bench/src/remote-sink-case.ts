import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { DEFAULT_COLLECTIONS, mongoSink } from "@dashlog/remote-mongo";
import { MongoClient } from "mongodb";
import { MESSAGE, metadataFor } from "./local-record.js";
import { REMOTE_PREFIX, type RemoteCaseOptions, type RemoteCaseResult } from "./remote-options.js";
import { yieldToLoop } from "./yield-to-loop.js";

/** A long time: the benchmark waits for MongoDB rather than spilling to the spool on a timeout. */
const PATIENT_MS = 600_000;

/**
 * `exp.log(message, { metadata })` through `mongoSink`: from the first call until the run
 * is complete, which waits until every record is in MongoDB (the sink's flush), then
 * records the run's status.
 */
export async function runRemoteSinkCase(options: RemoteCaseOptions): Promise<RemoteCaseResult> {
  const spoolDir = mkdtempSync(join(tmpdir(), "dashlog-bench-spool-"));
  const sink = mongoSink({
    uri: options.uri,
    database: options.database,
    batchSize: options.batchSize,
    spoolDir,
    flushTimeoutMs: PATIENT_MS,
    closeTimeoutMs: PATIENT_MS,
    ...(options.sinkMaxQueueLength === undefined ? {} : { maxQueueLength: options.sinkMaxQueueLength }),
    ...(options.sinkSpillAfterMs === undefined ? {} : { spillAfterMs: options.sinkSpillAfterMs }),
    ...(options.concurrency === undefined ? {} : { maxConcurrentInserts: options.concurrency }),
  });
  try {
    const experiment = new Experiment({ prefix: REMOTE_PREFIX, sink, batchSize: options.batchSize });
    const exp = await experiment.start();
    const n = options.records;
    const start = performance.now();
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + options.burst);
      for (; i < end; i++) exp.log(MESSAGE, { metadata: metadataFor(i) });
      await yieldToLoop();
    }
    const summary = await exp.complete();
    const elapsedMs = performance.now() - start;
    const report = await sink.closeWithReport();
    if (!report.complete || summary.dropped > 0) throw new Error(`mongoSink did not store everything: ${JSON.stringify({ summary, report })}`);
    const stored = await countAndDrop(options);
    if (stored !== n) throw new Error(`mongoSink: ${stored} documents stored, expected ${n}`);
    return { variant: "mongoSink", records: n, elapsedMs, recordsPerSecond: n / (elapsedMs / 1000), stored, stats: { ...report.stats } };
  } finally {
    await sink.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

async function countAndDrop(options: RemoteCaseOptions): Promise<number> {
  const client = new MongoClient(options.uri);
  try {
    const db = client.db(options.database);
    const stored = await db.collection(DEFAULT_COLLECTIONS.logs).countDocuments({ experiment: REMOTE_PREFIX });
    await db.dropDatabase().catch(() => undefined);
    return stored;
  } finally {
    await client.close();
  }
}
