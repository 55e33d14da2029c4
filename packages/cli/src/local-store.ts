import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { validatePrefix, type RunRecord } from "@dashlog/core";
import { LOGS_DIR, RUNS_FILE, experimentDir, jsonlReader, streamFile } from "@dashlog/local-jsonl";
import { countNewlines } from "./count-newlines.js";
import { localPositionedReader } from "./dashboard/local-positioned-reader.js";
import { sortStreams, type ExperimentStore } from "./experiment-store.js";

/** Prefixes are at most this many folders deep; stops a walk into a huge unrelated tree. */
const MAX_DEPTH = 32;

/** The experiments under a local `.dash` folder, as the JSONL sink writes them. */
export function localStore(root: string): ExperimentStore {
  const absolute = resolve(root);
  const reader = jsonlReader({ root: absolute });
  return {
    reader,
    positioned: localPositionedReader(absolute),
    location: absolute,
    async listExperiments() {
      const found: string[] = [];
      await walk(absolute, [], found);
      return found.sort();
    },
    async hasExperiment(prefix) {
      const dir = experimentDir(absolute, prefix);
      return (await isFile(join(dir, RUNS_FILE))) || (await streamsIn(dir)).length > 0;
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

/** A folder is an experiment when it has `runs.jsonl` or a `logs/` folder of `.jsonl` files. */
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
    isExperiment = hasRuns || hasLogs;
    if (isExperiment) found.push(segments.join("/"));
  }
  for (const entry of entries) {
    // An experiment's `logs/` holds its stream files, not more experiments; dot folders are never prefixes.
    if (!entry.isDirectory() || entry.name.startsWith(".") || (isExperiment && entry.name === LOGS_DIR)) continue;
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
