import { LOGS_STREAM, runRecordSchema, validatePrefix, type RunRecord } from "@dashlog/core";
import { DEFAULT_COLLECTIONS, DEFAULT_DATABASE, databaseFromUri, mongoMetricReader, mongoReader, redactUri } from "@dashlog/remote-mongo";
import { MongoClient, type Document } from "mongodb";
import { sortStreams, type ExperimentStore } from "./experiment-store.js";

const CLIENT_OPTIONS = { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, appName: "dashlog-cli" };

/**
 * Experiments that `mongoSink` stored: records through @dashlog/remote-mongo's reader, and the
 * listing (experiments, streams, runs, counts) with direct queries on the same collections.
 */
export function mongoStore(uri: string): ExperimentStore {
  const reader = mongoReader({ uri, clientOptions: CLIENT_OPTIONS });
  const metrics = mongoMetricReader({ uri, clientOptions: CLIENT_OPTIONS });
  const client = new MongoClient(uri, CLIENT_OPTIONS);
  const db = client.db(databaseFromUri(uri) ?? DEFAULT_DATABASE);
  const logs = db.collection(DEFAULT_COLLECTIONS.logs);
  const streams = db.collection(DEFAULT_COLLECTIONS.streams);
  const runs = db.collection(DEFAULT_COLLECTIONS.runs);
  const metricPoints = db.collection(DEFAULT_COLLECTIONS.metrics);
  const params = db.collection(DEFAULT_COLLECTIONS.params);
  const location = `${redactUri(uri)}`;
  return {
    reader,
    metrics,
    location,
    async listExperiments() {
      const names = new Set<string>();
      for (const collection of [logs, streams, runs, metricPoints, params]) {
        for (const name of await collection.distinct("experiment")) if (typeof name === "string") names.add(name);
      }
      return [...names].filter(isValidPrefix).sort();
    },
    async hasExperiment(prefix) {
      validatePrefix(prefix);
      for (const collection of [logs, runs, streams, metricPoints, params]) {
        if ((await collection.findOne({ experiment: prefix }, { projection: { _id: 1 } })) !== null) return true;
      }
      return false;
    },
    async listStreams(prefix) {
      validatePrefix(prefix);
      const names: string[] = (await streams.distinct("stream", { experiment: prefix })).filter((s): s is string => typeof s === "string");
      if ((await logs.findOne({ experiment: prefix }, { projection: { _id: 1 } })) !== null) names.push(LOGS_STREAM);
      return sortStreams(names);
    },
    async runs(prefix): Promise<RunRecord[]> {
      validatePrefix(prefix);
      const documents = await runs.find({ experiment: prefix }, { sort: { startedAt: 1 } }).toArray();
      const out: RunRecord[] = [];
      for (const document of documents) {
        const parsed = runRecordSchema.safeParse(toRunRecord(document));
        if (parsed.success) out.push(parsed.data);
      }
      return out;
    },
    async countRecords(prefix, stream) {
      validatePrefix(prefix);
      return stream === LOGS_STREAM ? logs.countDocuments({ experiment: prefix }) : streams.countDocuments({ experiment: prefix, stream });
    },
    async close() {
      await Promise.all([reader.close(), metrics.close(), client.close()]);
    },
  };
}

function toRunRecord(document: Document): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["runId", "status", "startedAt", "endedAt", "firstSequenceNumber", "nextSequenceNumber", "pid", "hostname", "error"]) {
    const value = document[key];
    if (value === undefined || value === null) continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

function isValidPrefix(prefix: string): boolean {
  try {
    validatePrefix(prefix);
    return true;
  } catch {
    return false;
  }
}
