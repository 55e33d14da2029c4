import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { InvalidPrefixError, validatePrefix, validateStreamName } from "@dashlog/core";

/** The default root folder, relative to the working directory. */
export const DEFAULT_ROOT = ".dash";
export const LOGS_DIR = "logs";
export const RUNS_FILE = "runs.jsonl";
export const LOCK_FILE = ".lock";

/** `<root>/<prefix>`, after checking the prefix and that the result stays inside root. */
export function experimentDir(root: string, prefix: string): string {
  validatePrefix(prefix);
  const base = resolve(root);
  const dir = resolve(base, ...prefix.split("/"));
  const rel = relative(base, dir);
  // validatePrefix already rules this out; the check stays so no future change can write outside root.
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
    throw new InvalidPrefixError("prefix", prefix, "it resolves outside the root folder");
  }
  return dir;
}

/** `<root>/<prefix>/logs/<stream>.jsonl`: where stream `stream` of experiment `prefix` lives. */
export function streamFile(root: string, prefix: string, stream: string): string {
  validateStreamName(stream);
  return join(experimentDir(root, prefix), LOGS_DIR, `${stream}.jsonl`);
}

/** `<root>/<prefix>/runs.jsonl`: one line per run status change. */
export function runsFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), RUNS_FILE);
}

/** `<root>/<prefix>/.lock`: held by the process writing the experiment. */
export function lockFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), LOCK_FILE);
}

export const WORKERS_FILE = "workers.jsonl";
export const SEQUENCE_FILE = ".sequence";

/** `<root>/<prefix>/workers.jsonl`: the parts of joined runs: each worker's status changes and every block of numbers it reserved. */
export function workersFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), WORKERS_FILE);
}

/** `<root>/<prefix>/.sequence`: the next number a worker of a joined run may reserve (digits only). */
export function sequenceFile(root: string, prefix: string): string {
  return join(experimentDir(root, prefix), SEQUENCE_FILE);
}

/**
 * `<root>/<prefix>/.worker-lock.<runId>.<worker>`: held by the process writing that worker's
 * part. Worker names may hold `:` (`hostname:pid`), which some file systems refuse: encoded.
 */
export function workerLockFile(root: string, prefix: string, runId: string, worker: string): string {
  return join(experimentDir(root, prefix), `${WORKER_LOCK_PREFIX}${encodeURIComponent(runId)}.${encodeURIComponent(worker)}`);
}

export const WORKER_LOCK_PREFIX = ".worker-lock.";
