import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { MetricPointRecord, StoredRecord } from "@dashlog/core";
import { ForeignWriterError, UNKNOWN_WRITER } from "./foreign-writer.js";
import { highestSequenceNumber } from "./highest-sequence.js";
import { countField, readJsonObject, writeJsonAtomic } from "./json-file.js";
import { METRIC_DATA_FILE, METRIC_METADATA_FILE } from "./ml-dash-paths.js";
import { newMetricMetadata } from "./metric-metadata.js";
import { metricLineSchema } from "./metric-line.js";

/**
 * Appends one metric's points as ml-dash lays them out: `data.jsonl` lines
 * `{"index","data","createdAt"}` and `metadata.json` (`name`, `totalDataPoints`, `nextIndex`,
 * `createdAt`, `updatedAt`, ...) rewritten after each batch. A retried batch is recognised by
 * its indexes and not written twice.
 */
export class MetricFileWriter {
  readonly #prefix: string;
  readonly #name: string;
  readonly #dataPath: string;
  readonly #metadataPath: string;
  readonly #fd: number;
  #size: number;
  #last: number;
  readonly #metadata: Record<string, unknown>;

  constructor(prefix: string, dir: string, name: string, nextIndex: number, now: string) {
    this.#prefix = prefix;
    this.#name = name;
    mkdirSync(dir, { recursive: true });
    this.#dataPath = join(dir, METRIC_DATA_FILE);
    this.#metadataPath = join(dir, METRIC_METADATA_FILE);
    this.#fd = openSync(this.#dataPath, "a");
    this.#size = fstatSync(this.#fd).size;
    this.#last = nextIndex - 1;
    // Fields ml-dash put there (description, tags, metricId) are kept as they are.
    this.#metadata = readJsonObject(this.#metadataPath) ?? newMetricMetadata(name, now);
  }

  append(records: readonly StoredRecord[], now: string): void {
    let text = "";
    let count = 0;
    let last = this.#last;
    for (const record of records as readonly MetricPointRecord[]) {
      if (record.sequenceNumber <= last) continue;
      text += `{"index":${record.sequenceNumber},"data":${JSON.stringify(record.data)},"createdAt":${JSON.stringify(record.createdAt)}}\n`;
      last = record.sequenceNumber;
      count++;
    }
    if (count === 0) return;
    if (fstatSync(this.#fd).size !== this.#size) {
      throw new ForeignWriterError(this.#prefix, this.#dataPath, UNKNOWN_WRITER, `metric ${JSON.stringify(this.#name)} changed under dashlog in`);
    }
    const bytes = Buffer.from(text, "utf8");
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
    } finally {
      this.#size += offset;
    }
    this.#last = last;
    this.#metadata["totalDataPoints"] = (countField(this.#metadata, "totalDataPoints") ?? 0) + count;
    this.#metadata["nextIndex"] = last + 1;
    this.#metadata["updatedAt"] = now;
    writeJsonAtomic(this.#metadataPath, this.#metadata);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** Where each metric of `dir` (`<prefix>/metrics/`) continues: the larger of `metadata.json`'s `nextIndex` and one past the highest index in `data.jsonl`. */
export async function nextMetricIndexes(dir: string): Promise<Record<string, number>> {
  const next: Record<string, number> = {};
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return next;
    throw error;
  }
  for (const name of names) {
    const fromMetadata = countField(readJsonObject(join(dir, name, METRIC_METADATA_FILE)), "nextIndex") ?? 0;
    const highest = await highestSequenceNumber(join(dir, name, METRIC_DATA_FILE), metricLineSchema, "index");
    next[name] = Math.max(fromMetadata, highest + 1);
  }
  return next;
}
