import { LOGS_STREAM, runRecordSchema, validatePrefix, type RunRecord } from "@dashlog/core";
import { MongoClient, type Document } from "mongodb";
import { resolveConnection, type MongoConnectionOptions } from "./mongo-options.js";
import { redactUri } from "./redact-uri.js";
import { readJoinedRunStates } from "./run-states.js";

/**
 * What a reader leaves out: which experiments, streams and runs `mongoSink` stored, and how
 * many records each stream holds. Tools that list (the CLI's `ls`, a dashboard) use it beside
 * `mongoReader`.
 */
export interface MongoCatalog {
  /** The server, for messages: the URI without credentials. */
  readonly location: string;
  /** Every experiment prefix that has records, streams, runs, metric points or parameters, sorted. */
  listExperiments(): Promise<string[]>;
  hasExperiment(prefix: string): Promise<boolean>;
  /** Stream names of one experiment (`logs` among them when it has log records), sorted. */
  listStreams(prefix: string): Promise<string[]>;
  /** Every run with its latest status, oldest first; documents that are not valid run records are left out. */
  runs(prefix: string): Promise<RunRecord[]>;
  countRecords(prefix: string, stream: string): Promise<number>;
  close(): Promise<void>;
}

/** Opens a catalog on the collections `mongoSink` writes (the same connection options). */
export function mongoCatalog(options: MongoConnectionOptions): MongoCatalog {
  const connection = resolveConnection(options, "mongoCatalog");
  const client = new MongoClient(connection.uri, connection.clientOptions);
  const db = client.db(connection.database);
  const logs = db.collection(connection.collections.logs);
  const streams = db.collection(connection.collections.streams);
  const runs = db.collection(connection.collections.runs);
  // An experiment with only metric points or parameters (a push of an ml-dash tree) is one too.
  const metrics = db.collection(connection.collections.metrics);
  const params = db.collection(connection.collections.params);
  return {
    location: redactUri(connection.uri),
    async listExperiments() {
      const names = new Set<string>();
      for (const collection of [logs, streams, runs, metrics, params]) {
        for (const name of await collection.distinct("experiment")) if (typeof name === "string") names.add(name);
      }
      return [...names].filter(isValidPrefix).sort();
    },
    async hasExperiment(prefix) {
      validatePrefix(prefix);
      for (const collection of [logs, runs, streams, metrics, params]) {
        if ((await collection.findOne({ experiment: prefix }, { projection: { _id: 1 } })) !== null) return true;
      }
      return false;
    },
    async listStreams(prefix) {
      validatePrefix(prefix);
      const names: string[] = (await streams.distinct("stream", { experiment: prefix })).filter((s): s is string => typeof s === "string");
      if ((await logs.findOne({ experiment: prefix }, { projection: { _id: 1 } })) !== null) names.push(LOGS_STREAM);
      return names.sort();
    },
    async runs(prefix): Promise<RunRecord[]> {
      validatePrefix(prefix);
      const documents = await runs.find({ experiment: prefix }, { sort: { startedAt: 1 } }).toArray();
      const out: RunRecord[] = [];
      for (const document of documents) {
        const parsed = runRecordSchema.safeParse(toRunRecord(document));
        if (parsed.success) out.push(parsed.data);
      }
      // Runs joined by several workers live in the workers collection, one part per worker.
      const joined = await readJoinedRunStates(db, connection.collections, prefix);
      if (joined.length === 0) return out;
      return [...out, ...joined].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
    },
    async countRecords(prefix, stream) {
      validatePrefix(prefix);
      return stream === LOGS_STREAM ? logs.countDocuments({ experiment: prefix }) : streams.countDocuments({ experiment: prefix, stream });
    },
    close: () => client.close(),
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
