import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { MongoClient } from "mongodb";
import { watchMongoInserts } from "./dashboard/mongo-change-watch.js";
import { sortStreams, type ExperimentStore } from "./experiment-store.js";
import { loadRemoteMongo } from "./remote-mongo-module.js";

const CLIENT_OPTIONS = { appName: "dashlog-cli" };

/**
 * Experiments that `mongoSink` stored: records through @dashlog/remote-mongo's reader, the
 * listing through its catalog. `option` and `command` name what asked for MongoDB, for the
 * error when @dashlog/remote-mongo is not installed.
 */
export async function mongoStore(uri: string, option = "--mongo", command = "dashlog"): Promise<ExperimentStore> {
  const { DEFAULT_COLLECTIONS, DEFAULT_DATABASE, databaseFromUri, mongoCatalog, mongoMetricReader, mongoReader } = await loadRemoteMongo(option, command);
  const reader = mongoReader({ uri, clientOptions: CLIENT_OPTIONS });
  const metrics = mongoMetricReader({ uri, clientOptions: CLIENT_OPTIONS });
  const catalog = mongoCatalog({ uri, clientOptions: CLIENT_OPTIONS });
  // Opened by the first live page only: `ls`, `export` and `report` never watch.
  let watcher: Promise<MongoClient> | undefined;
  return {
    reader,
    metrics,
    location: catalog.location,
    listExperiments: () => catalog.listExperiments(),
    hasExperiment: (prefix) => catalog.hasExperiment(prefix),
    listStreams: async (prefix) => sortStreams(await catalog.listStreams(prefix)),
    runs: (prefix) => catalog.runs(prefix),
    countRecords: (prefix, stream) => catalog.countRecords(prefix, stream),
    async watchChanges(prefix, onChange, onLost) {
      watcher ??= driverOfRemoteMongo().then(({ MongoClient: Client }) => new Client(uri, CLIENT_OPTIONS));
      const db = (await watcher).db(databaseFromUri(uri) ?? DEFAULT_DATABASE);
      return watchMongoInserts([db.collection(DEFAULT_COLLECTIONS.logs), db.collection(DEFAULT_COLLECTIONS.streams)], prefix, onChange, onLost);
    },
    async close() {
      const watching = watcher?.then((client) => client.close()).catch(() => undefined);
      await Promise.all([reader.close(), metrics.close(), catalog.close(), watching]);
    },
  };
}

/**
 * The MongoDB driver @dashlog/remote-mongo itself depends on (the CLI has none of its own):
 * change streams are opened on it directly, as the reader has no way to only listen.
 */
async function driverOfRemoteMongo(): Promise<typeof import("mongodb")> {
  const remote = fileURLToPath(import.meta.resolve("@dashlog/remote-mongo"));
  return (await import(pathToFileURL(createRequire(remote).resolve("mongodb")).href)) as typeof import("mongodb");
}
