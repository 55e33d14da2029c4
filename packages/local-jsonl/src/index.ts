export { acquireExperimentLock, type LockHolder } from "./experiment-lock.js";
export { JsonlSink, localJsonl, type LocalJsonlOptions } from "./jsonl-sink.js";
export { DEFAULT_ROOT, LOCK_FILE, LOGS_DIR, RUNS_FILE, experimentDir, lockFile, runsFile, streamFile } from "./paths.js";
export { appendRunRecord, readRuns } from "./runs-file.js";
