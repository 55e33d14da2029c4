import { join, relative, sep } from "node:path";
import { PARAMS_BATCH, batchKind, metricBatchStream, validatePrefix, validateStreamName } from "@dashlog/core";

/** Default spool folder: beside local mode's `.dash/`, in a folder no experiment prefix can name (segments never start with "."). */
export const DEFAULT_SPOOL_DIR = ".dash/.mongo-spool";
export const PENDING_DIR = "pending";
export const REJECTED_DIR = "rejected";
/** Run status changes waiting for the server; the dot keeps it apart from any stream or prefix segment. */
export const RUNS_FILE = ".runs.jsonl";
/** A spool file taken for replay; new records go to a fresh `<stream>.jsonl` meanwhile. */
export const REPLAYING_SUFFIX = ".replaying";

/** Metric points and parameter changes waiting for the server; the dot keeps it apart from any prefix segment. */
export const METRICS_SPOOL_DIR = ".metrics";
/** The parameter changes' file in METRICS_SPOOL_DIR: `@` is in no metric name. */
const PARAMS_SPOOL_NAME = "@params";

/**
 * `<root>/<prefix>/logs/<stream>.jsonl`: the layout of local mode, so a spool reads like a
 * `.dash/` folder. Metric batches go to `<prefix>/.metrics/<name>.jsonl`, parameter changes
 * to `<prefix>/.metrics/@params.jsonl`.
 */
export function spoolStreamFile(root: string, experiment: string, stream: string): string {
  validatePrefix(experiment);
  const kind = batchKind(stream);
  if (kind.kind === "metric") return join(root, ...experiment.split("/"), METRICS_SPOOL_DIR, `${validateStreamName(kind.metric, "metric name")}.jsonl`);
  if (kind.kind === "params") return join(root, ...experiment.split("/"), METRICS_SPOOL_DIR, `${PARAMS_SPOOL_NAME}.jsonl`);
  validateStreamName(stream);
  return join(root, ...experiment.split("/"), "logs", `${stream}.jsonl`);
}

export function spoolRunsFile(root: string, experiment: string): string {
  validatePrefix(experiment);
  return join(root, ...experiment.split("/"), RUNS_FILE);
}

export interface SpoolFileInfo {
  readonly path: string;
  readonly experiment: string;
  /** Undefined for a runs file. */
  readonly stream: string | undefined;
  readonly replaying: boolean;
}

/** What a file found under `root` holds, or undefined for anything the spool did not write. */
export function describeSpoolFile(root: string, path: string): SpoolFileInfo | undefined {
  const parts = relative(root, path).split(sep);
  const name = parts.pop();
  if (name === undefined || parts.length === 0) return undefined;
  if (name === RUNS_FILE) return { path, experiment: parts.join("/"), stream: undefined, replaying: false };
  if (name === `${RUNS_FILE}${REPLAYING_SUFFIX}`) return { path, experiment: parts.join("/"), stream: undefined, replaying: true };
  const replaying = name.endsWith(`.jsonl${REPLAYING_SUFFIX}`);
  if (!replaying && !name.endsWith(".jsonl")) return undefined;
  const base = name.slice(0, name.length - (replaying ? `.jsonl${REPLAYING_SUFFIX}`.length : ".jsonl".length));
  const folder = parts.pop();
  if ((folder !== "logs" && folder !== METRICS_SPOOL_DIR) || parts.length === 0) return undefined;
  const stream = folder === "logs" ? base : base === PARAMS_SPOOL_NAME ? PARAMS_BATCH : metricBatchStream(base);
  return { path, experiment: parts.join("/"), stream, replaying };
}
