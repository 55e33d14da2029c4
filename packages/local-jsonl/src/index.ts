export { acquireExperimentLock, type LockHolder } from "./experiment-lock.js";
export { JsonlSink, localJsonl, type LocalJsonlOptions } from "./jsonl-sink.js";
export {
  DEFAULT_ROOT,
  LOCK_FILE,
  LOGS_DIR,
  RUNS_FILE,
  SEQUENCE_FILE,
  WORKERS_FILE,
  experimentDir,
  lockFile,
  runsFile,
  sequenceFile,
  streamFile,
  workerLockFile,
  workersFile,
} from "./paths.js";
export { readWorkerParts, type StoredWorkerPart, type WorkerLine } from "./workers-file.js";
export { appendRunRecord, readRuns } from "./runs-file.js";
export { readJoinedRunStates, readRunStates } from "./run-states.js";
export { DEFAULT_CHUNK_SIZE } from "./chunk-size.js";
export { DEFAULT_POLL_INTERVAL_MS, JsonlReader, jsonlReader, type JsonlReaderOptions } from "./jsonl-reader.js";
export type { Line } from "./line.js";
export { parseLine, recordSchemaFor, type ParsedLine } from "./line-parser.js";
export { lastValidRecord, linesFromEnd, type LastValidRecordOptions, type LinesFromEndOptions } from "./lines-from-end.js";
export { ensureExperimentJson, experimentJsonFor, type ExperimentJson } from "./experiment-json.js";
export { ForeignWriterError, flockHolder, type FlockHolder } from "./foreign-writer.js";
export {
  JsonlMetricReader,
  jsonlMetricReader,
  type JsonlMetricReaderOptions,
  type TrackInfo,
  type TrackReadOptions,
} from "./jsonl-metric-reader.js";
export { parseLenientJson } from "./lenient-json.js";
export { readLogSequence } from "./log-sequence.js";
export {
  EXPERIMENT_JSON,
  LOG_SEQUENCE_FILE,
  LOG_SEQUENCE_LOCK_FILE,
  METRICS_DIR,
  PARAMETERS_JSON,
  TRACKS_DIR,
  experimentJsonFile,
  logSequenceFile,
  metricDir,
  metricsDir,
  parametersFile,
  tracksDir,
} from "./ml-dash-paths.js";
export { readParametersFile } from "./params-file.js";
