import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  InvalidArgumentError,
  compileFilter,
  compileMetricFilter,
  matchesMetricFilter,
  type MetricFollowOptions,
  type MetricInfo,
  type MetricPoint,
  type MetricReadOptions,
  type MetricReader,
  type ParamsSnapshot,
  type ReadIssue,
  type StoredRecord,
} from "@dashlog/core";
import type { z } from "zod";
import { checkChunkSize } from "./chunk-size.js";
import { countNonEmptyLines } from "./count-non-empty-lines.js";
import { followRecords } from "./follow-records.js";
import { highestSequenceNumber } from "./highest-sequence.js";
import { DEFAULT_POLL_INTERVAL_MS } from "./jsonl-reader.js";
import { countField, readJsonObject } from "./json-file.js";
import { metricLineSchema, toMetricPoint } from "./metric-line.js";
import { EXPERIMENT_JSON, METRIC_DATA_FILE, METRIC_METADATA_FILE, metricDir, metricsDir, parametersFile, tracksDir } from "./ml-dash-paths.js";
import { readParametersFile } from "./params-file.js";
import { DEFAULT_ROOT, experimentDir } from "./paths.js";
import { readRecords } from "./read-records.js";
import { tailRecords } from "./tail-records.js";
import { trackRowSchema } from "./track-row.js";

export interface JsonlMetricReaderOptions {
  /** The folder holding the experiments. Default `.dash`. */
  readonly root?: string | undefined;
  /** Bytes read per step. Default 64 KiB. */
  readonly chunkSize?: number | undefined;
}

/** A track ml-dash wrote under `tracks/<topic>/` (read-only for dashlog). */
export interface TrackInfo {
  /** The folder name: ml-dash's topic with `/` written as `_`. */
  readonly name: string;
  /** The topic as its `metadata.json` names it, when it does. */
  readonly topic: string | null;
  /** Rows stored. */
  readonly rows: number;
}

export interface TrackReadOptions {
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

// Points and rows go through the stream readers with no record bounds: their bounds are
// index and time, applied here.
const NO_BOUNDS = compileFilter({});

/**
 * Reads what ml-dash and dashlog write beside the logs: `metrics/<name>/data.jsonl` (+
 * `metadata.json`), `parameters.json`, `tracks/<topic>/data.jsonl` and `experiment.json`.
 * Lenient like the log reader: bare `NaN`/`Infinity` read as strings, a bad line is reported
 * through `onIssue` with its line number and skipped, a missing file is simply empty.
 */
export class JsonlMetricReader implements MetricReader {
  readonly root: string;
  readonly chunkSize: number;

  constructor(options: JsonlMetricReaderOptions = {}) {
    const root = options.root ?? DEFAULT_ROOT;
    if (typeof root !== "string" || root.length === 0) throw new InvalidArgumentError("root", root, "must be a non-empty folder path");
    this.root = root;
    this.chunkSize = checkChunkSize(options.chunkSize);
  }

  async listMetrics(prefix: string): Promise<MetricInfo[]> {
    const dir = metricsDir(this.root, prefix);
    const infos: MetricInfo[] = [];
    for (const name of await subfolders(dir)) {
      const metadata = readJsonObject(join(dir, name, METRIC_METADATA_FILE));
      const data = join(dir, name, METRIC_DATA_FILE);
      const points = await countNonEmptyLines(data);
      if (points === 0 && metadata === undefined) continue;
      infos.push({
        name,
        // Counted, not taken from metadata.json, so the listing matches what a read yields.
        totalDataPoints: points,
        // The highest index, not the count: a joined run's workers each number their points.
        nextIndex: Math.max(countField(metadata, "nextIndex") ?? 0, (await highestSequenceNumber(data, metricLineSchema, "index")) + 1),
        createdAt: stringField(metadata, "createdAt"),
        updatedAt: stringField(metadata, "updatedAt"),
      });
    }
    return infos.sort((a, b) => a.name.localeCompare(b.name));
  }

  readMetric(prefix: string, name: string, options: MetricReadOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = compileMetricFilter(options);
    const records = readRecords(this.#dataFile(prefix, name), metricSchema, NO_BOUNDS, {
      chunkSize: this.chunkSize,
      signal: options.signal,
      onIssue: options.onIssue,
    });
    return points(records, (point) => matchesMetricFilter(point, filter));
  }

  async tailMetric(prefix: string, name: string, n: number, options: MetricReadOptions = {}): Promise<MetricPoint[]> {
    const count = checkCount(n, "n");
    const filter = compileMetricFilter(options);
    const unbounded = filter.fromIndex === undefined && filter.toIndex === undefined && filter.since === undefined && filter.until === undefined && filter.worker === undefined;
    if (unbounded) {
      const { records } = await tailRecords(this.#dataFile(prefix, name), count, metricSchema, NO_BOUNDS, {
        chunkSize: this.chunkSize,
        signal: options.signal,
        onIssue: options.onIssue,
        completeLinesOnly: false,
      });
      return records.map(asPoint);
    }
    // Bounds need a forward pass; only the last `count` matches are kept.
    const kept: MetricPoint[] = [];
    if (count === 0) return kept;
    for await (const point of this.readMetric(prefix, name, options)) {
      kept.push(point);
      if (kept.length > count) kept.shift();
    }
    return kept;
  }

  followMetric(prefix: string, name: string, options: MetricFollowOptions = {}): AsyncGenerator<MetricPoint, void, undefined> {
    const filter = compileMetricFilter(options);
    const records = followRecords(this.#dataFile(prefix, name), metricSchema, NO_BOUNDS, {
      chunkSize: this.chunkSize,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      tail: options.tail === undefined ? undefined : checkCount(options.tail, "tail"),
      signal: options.signal,
      onIssue: options.onIssue,
    });
    return points(records, (point) => matchesMetricFilter(point, filter));
  }

  async readParams(prefix: string): Promise<ParamsSnapshot | null> {
    return readParametersFile(parametersFile(this.root, prefix));
  }

  /** `experiment.json` as written by ml-dash or dashlog, or null. */
  async readExperimentJson(prefix: string): Promise<Record<string, unknown> | null> {
    return readJsonObject(join(experimentDir(this.root, prefix), EXPERIMENT_JSON)) ?? null;
  }

  async listTracks(prefix: string): Promise<TrackInfo[]> {
    const dir = tracksDir(this.root, prefix);
    const infos: TrackInfo[] = [];
    for (const name of await subfolders(dir)) {
      const metadata = readJsonObject(join(dir, name, METRIC_METADATA_FILE));
      infos.push({ name, topic: stringField(metadata, "topic"), rows: await countNonEmptyLines(join(dir, name, METRIC_DATA_FILE)) });
    }
    return infos.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The rows of one track, as stored (each a JSON object), oldest first. */
  async *readTrack(prefix: string, name: string, options: TrackReadOptions = {}): AsyncGenerator<Record<string, unknown>, void, undefined> {
    const path = join(tracksDir(this.root, prefix), checkFolderName(name, "track name"), METRIC_DATA_FILE);
    yield* readRecords(path, trackSchema, NO_BOUNDS, { chunkSize: this.chunkSize, signal: options.signal, onIssue: options.onIssue });
  }

  #dataFile(prefix: string, name: string): string {
    return join(metricDir(this.root, prefix, name), METRIC_DATA_FILE);
  }
}

/** A reader of metrics, parameters and tracks under `options.root` (default `.dash`). */
export function jsonlMetricReader(options: JsonlMetricReaderOptions = {}): JsonlMetricReader {
  return new JsonlMetricReader(options);
}

// The stream readers are typed for stored records; these schemas validate other shapes, and
// the lines they pass are turned into points (or kept as rows) here.
const metricSchema = metricLineSchema as unknown as z.ZodType<StoredRecord>;
const trackSchema = trackRowSchema as unknown as z.ZodType<StoredRecord>;

function asPoint(record: StoredRecord): MetricPoint {
  return toMetricPoint(record as unknown as z.output<typeof metricLineSchema>);
}

async function* points(records: AsyncGenerator<StoredRecord, void, undefined>, keep: (point: MetricPoint) => boolean): AsyncGenerator<MetricPoint, void, undefined> {
  try {
    for await (const record of records) {
      const point = asPoint(record);
      if (keep(point)) yield point;
    }
  } finally {
    await records.return(undefined);
  }
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}

function stringField(object: Record<string, unknown> | undefined, field: string): string | null {
  const value = object?.[field];
  return typeof value === "string" ? value : null;
}

function checkCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(field, value, "must be a non-negative integer");
  return value;
}

/** ml-dash names track folders after topics (`/` as `_`), which may hold characters a stream name may not; only path tricks are refused. */
function checkFolderName(name: string, field: string): string {
  if (typeof name !== "string" || name.length === 0 || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new InvalidArgumentError(field, name, "must be one folder name");
  }
  return name;
}
