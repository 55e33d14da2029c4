export type { CliIo, OutputStream } from "./cli-io.js";
export { runCli, EXIT_FAILURE, EXIT_USAGE } from "./run-cli.js";
export type { ExperimentStore } from "./experiment-store.js";
export { localStore } from "./local-store.js";
export { recordFormatter, type RecordFormatterOptions } from "./record-formatter.js";
export { processIo } from "./process-io.js";
export { mongoStore } from "./mongo-store.js";
