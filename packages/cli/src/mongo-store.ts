import { sortStreams, type ExperimentStore } from "./experiment-store.js";
import { loadRemoteMongo } from "./remote-mongo-module.js";

const CLIENT_OPTIONS = { appName: "dashlog-cli" };

/**
 * Experiments that `mongoSink` stored: records through @dashlog/remote-mongo's reader, the
 * listing through its catalog. `option` and `command` name what asked for MongoDB, for the
 * error when @dashlog/remote-mongo is not installed.
 */
export async function mongoStore(uri: string, option = "--mongo", command = "dashlog"): Promise<ExperimentStore> {
  const { mongoCatalog, mongoMetricReader, mongoReader } = await loadRemoteMongo(option, command);
  const reader = mongoReader({ uri, clientOptions: CLIENT_OPTIONS });
  const metrics = mongoMetricReader({ uri, clientOptions: CLIENT_OPTIONS });
  const catalog = mongoCatalog({ uri, clientOptions: CLIENT_OPTIONS });
  return {
    reader,
    metrics,
    location: catalog.location,
    listExperiments: () => catalog.listExperiments(),
    hasExperiment: (prefix) => catalog.hasExperiment(prefix),
    listStreams: async (prefix) => sortStreams(await catalog.listStreams(prefix)),
    runs: (prefix) => catalog.runs(prefix),
    countRecords: (prefix, stream) => catalog.countRecords(prefix, stream),
    async close() {
      await Promise.all([reader.close(), metrics.close(), catalog.close()]);
    },
  };
}
