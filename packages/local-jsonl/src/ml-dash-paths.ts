import { readdirSync } from "node:fs";
import { join } from "node:path";
import { validateStreamName } from "@dashlog/core";
import { LOGS_DIR, experimentDir } from "./paths.js";

// The parts of an experiment's folder that ml-dash's tools read and write beside `logs/`.

export const EXPERIMENT_JSON = "experiment.json";
export const PARAMETERS_JSON = "parameters.json";
export const METRICS_DIR = "metrics";
export const TRACKS_DIR = "tracks";
export const METRIC_DATA_FILE = "data.jsonl";
export const METRIC_METADATA_FILE = "metadata.json";
/** ml-dash's next log sequence number: plain digits, no newline. */
export const LOG_SEQUENCE_FILE = ".log_sequence";
/** What ml-dash flocks around each log append. */
export const LOG_SEQUENCE_LOCK_FILE = ".log_sequence.lock";
/** What ml-dash flocks around each metric append, in the metric's folder. */
export const METRIC_LOCK_FILE = ".metadata.lock";
/** What ml-dash flocks around each parameters write, in the experiment's folder. */
export const PARAMETERS_LOCK_FILE = ".parameters.lock";

export function experimentJsonFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), EXPERIMENT_JSON);
}

export function parametersFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), PARAMETERS_JSON);
}

export function logSequenceFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), LOGS_DIR, LOG_SEQUENCE_FILE);
}

export function logSequenceLockFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), LOGS_DIR, LOG_SEQUENCE_LOCK_FILE);
}

/**
 * Every lock file ml-dash takes while it writes the experiment: the log counter's, the
 * parameters', and each existing metric's.
 */
export function mlDashLockFiles(root: string, prefix: string): string[] {
  const locks = [logSequenceLockFile(root, prefix), join(experimentDir(root, prefix), PARAMETERS_LOCK_FILE)];
  try {
    for (const entry of readdirSync(metricsDir(root, prefix), { withFileTypes: true })) {
      if (entry.isDirectory()) locks.push(join(metricsDir(root, prefix), entry.name, METRIC_LOCK_FILE));
    }
  } catch {
    // No metrics folder: no metric locks.
  }
  return locks;
}

export function metricsDir(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), METRICS_DIR);
}

/** `<root>/<prefix>/metrics/<name>/`; the name is checked like a stream name (it is a folder name). */
export function metricDir(root: string, prefix: string, name: string): string {
  validateStreamName(name, "metric name");
  return join(metricsDir(root, prefix), name);
}

export function tracksDir(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), TRACKS_DIR);
}
