export { acquireExperimentLock, type LockHolder } from "./experiment-lock.js";
export { JsonlSink, localJsonl, type LocalJsonlOptions } from "./jsonl-sink.js";
export { DEFAULT_ROOT, LOCK_FILE, LOGS_DIR, RUNS_FILE, experimentDir, lockFile, runsFile, streamFile } from "./paths.js";
export { appendRunRecord, readRuns } from "./runs-file.js";
export { DEFAULT_CHUNK_SIZE } from "./chunk-size.js";
export { DEFAULT_POLL_INTERVAL_MS, JsonlReader, jsonlReader, type JsonlReaderOptions } from "./jsonl-reader.js";
export type { Line } from "./line.js";
export { parseLine, recordSchemaFor, type ParsedLine } from "./line-parser.js";
export { lastValidRecord, linesFromEnd, type LastValidRecordOptions, type LinesFromEndOptions } from "./lines-from-end.js";
