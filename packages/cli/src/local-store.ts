import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { validatePrefix, type RunRecord } from "@dashlog/core";
import {
  EXPERIMENT_JSON,
  LOGS_DIR,
  METRICS_DIR,
  PARAMETERS_JSON,
  RUNS_FILE,
  TRACKS_DIR,
  experimentDir,
  jsonlMetricReader,
  jsonlReader,
  runsFile,
  streamFile,
} from "@dashlog/local-jsonl";
import { countNewlines } from "./count-newlines.js";
import { watchLocalExperiment } from "./dashboard/local-change-watch.js";
import { localPositionedReader } from "./dashboard/local-positioned-reader.js";
import { sortStreams, type ExperimentStore } from "./experiment-store.js";

/** Prefixes are at most this many folders deep; stops a walk into a huge unrelated tree. */
const MAX_DEPTH = 32;

/** The experiments under a local `.dash` folder, as the JSONL sink writes them. */
export function localStore(root: string): ExperimentStore {
  const absolute = resolve(root);
  const reader = jsonlReader({ root: absolute });
  const metrics = jsonlMetricReader({ root: absolute });
  return {
    reader,
    metrics,
    tracks: metrics,
    positioned: localPositionedReader(absolute),
    location: absolute,
    async listExperiments() {
      const found: string[] = [];
      await walk(absolute, [], found);
      return found.sort();
    },
    async hasExperiment(prefix) {
      const dir = experimentDir(absolute, prefix);
      return (await isFile(join(dir, RUNS_FILE))) || (await streamsIn(dir)).length > 0 || (await hasMlDashFiles(dir));
    },
    async listStreams(prefix) {
      return sortStreams(await streamsIn(experimentDir(absolute, prefix)));
    },
    // With each run's effective status: CRASHED for a RUNNING run whose writer is gone.
    runs(prefix): Promise<RunRecord[]> {
      return reader.runs(prefix);
    },
    countRecords(prefix, stream) {
      return countNewlines(streamFile(absolute, prefix, stream));
    },
    watchChanges: (prefix, onChange, onLost) => watchLocalExperiment(absolute, prefix, onChange, onLost),
    async close() {},
  };
}

async function streamsIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(dir, LOGS_DIR), { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith(".jsonl")).map((e) => e.name.slice(0, -".jsonl".length));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * What ml-dash writes beside (or instead of) logs: a folder with any of these is an
 * experiment too, so one with only parameters and metrics is listed.
 */
const ML_DASH_FILES = new Set([EXPERIMENT_JSON, PARAMETERS_JSON]);
const ML_DASH_FOLDERS = new Set([METRICS_DIR, TRACKS_DIR]);
/** An experiment's folders that hold its data, never more experiments. */
const DATA_FOLDERS = new Set([LOGS_DIR, METRICS_DIR, TRACKS_DIR, "files"]);

async function hasMlDashFiles(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  return hasMlDashEntries(dir, entries);
}

async function hasMlDashEntries(dir: string, entries: readonly Dirent[]): Promise<boolean> {
  if (entries.some((e) => e.isFile() && ML_DASH_FILES.has(e.name))) return true;
  for (const entry of entries) {
    if (!entry.isDirectory() || !ML_DASH_FOLDERS.has(entry.name)) continue;
    const inner = await readdir(join(dir, entry.name), { withFileTypes: true }).catch(() => []);
    if (inner.some((e) => e.isDirectory())) return true;
  }
  return false;
}

/** A folder is an experiment when it has `runs.jsonl`, a `logs/` folder of `.jsonl` files, or ml-dash's files (experiment.json, parameters.json, metrics, tracks). */
async function walk(dir: string, segments: string[], found: string[]): Promise<void> {
  if (segments.length > MAX_DEPTH) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (segments.length === 0 && (error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  let isExperiment = false;
  if (segments.length > 0 && isValidPrefix(segments)) {
    const hasRuns = entries.some((e) => e.isFile() && e.name === RUNS_FILE);
    const hasLogs = entries.some((e) => e.isDirectory() && e.name === LOGS_DIR) && (await streamsIn(dir)).length > 0;
    isExperiment = hasRuns || hasLogs || (await hasMlDashEntries(dir, entries));
    if (isExperiment) found.push(segments.join("/"));
  }
  for (const entry of entries) {
    // An experiment's `logs/`, `metrics/`, ... hold its data, not more experiments; dot folders are never prefixes.
    if (!entry.isDirectory() || entry.name.startsWith(".") || (isExperiment && DATA_FOLDERS.has(entry.name))) continue;
    await walk(join(dir, entry.name), [...segments, entry.name], found);
  }
}

function isValidPrefix(segments: string[]): boolean {
  try {
    validatePrefix(segments.join("/"));
    return true;
  } catch {
    return false;
  }
}
