import type { MongoWatcher } from "@dashlog/remote-mongo";
import { sortStreams, type ExperimentStore } from "./experiment-store.js";
import { loadRemoteMongo } from "./remote-mongo-module.js";

const CLIENT_OPTIONS = { appName: "dashlog-cli" };

/**
 * Experiments that `mongoSink` stored: records through @dashlog/remote-mongo's reader, the
 * listing through its catalog. `option` and `command` name what asked for MongoDB, for the
 * error when @dashlog/remote-mongo is not installed.
 */
export async function mongoStore(uri: string, option = "--mongo", command = "dashlog"): Promise<ExperimentStore> {
  const remote = await loadRemoteMongo(option, command);
  const { mongoCatalog, mongoMetricReader, mongoReader } = remote;
  const reader = mongoReader({ uri, clientOptions: CLIENT_OPTIONS });
  const metrics = mongoMetricReader({ uri, clientOptions: CLIENT_OPTIONS });
  const catalog = mongoCatalog({ uri, clientOptions: CLIENT_OPTIONS });
  // Opened by the first live page only: `ls`, `export` and `report` never watch. An older
  // @dashlog/remote-mongo without the watcher leaves the dashboard polling on its own.
  let watcher: MongoWatcher | undefined;
  return {
    reader,
    metrics,
    // (experiment, metric, worker, index) is indexed: a joined series is read per worker.
    indexedMetricReads: true,
    location: catalog.location,
    listExperiments: () => catalog.listExperiments(),
    hasExperiment: (prefix) => catalog.hasExperiment(prefix),
    listStreams: async (prefix) => sortStreams(await catalog.listStreams(prefix)),
    runs: (prefix) => catalog.runs(prefix),
    countRecords: (prefix, stream) => catalog.countRecords(prefix, stream),
    async watchChanges(prefix, onChange) {
      if (typeof remote.mongoWatcher !== "function") return undefined;
      // Change streams where the server has them, else the watcher's own poll of a few indexed
      // queries: either way the live feed reads the run only when something changed.
      watcher ??= remote.mongoWatcher({ uri, clientOptions: CLIENT_OPTIONS });
      const watch = await watcher.watchRecords(prefix, () => onChange());
      return { close: () => watch.close() };
    },
    async close() {
      await Promise.all([reader.close(), metrics.close(), catalog.close(), watcher?.close().catch(() => undefined)]);
    },
  };
}
