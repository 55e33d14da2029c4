import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { MetricPointRecord, StoredRecord } from "@dashlog/core";
import { countField, readJsonObject, writeJsonAtomic } from "./json-file.js";
import { METRIC_DATA_FILE, METRIC_METADATA_FILE } from "./ml-dash-paths.js";
import { newMetricMetadata } from "./metric-metadata.js";
import { withShortLock } from "./short-lock.js";

/**
 * One worker's points of one metric in a joined run. All workers append to the series' one
 * `data.jsonl`, as they do to `logs/logs.jsonl`: opened O_APPEND, each batch in one write(2),
 * which a local file system places at the end of the file as a whole, so lines of different
 * workers never interleave and no lock is taken per point or per batch. Each line is ml-dash's
 * `{"index","data","createdAt"}` with `"worker"` last; `index` counts this worker's points of
 * the series, so (worker, index) identifies a point and a retried batch is recognised by it.
 *
 * One file rather than one per worker: ml-dash's upload, `tail -f` and every reader of the
 * series see every worker's points without knowing the run was joined, and a worker name needs
 * no encoding into a file name. `metadata.json` (`totalDataPoints`, `nextIndex`) is shared, so
 * it is read, updated and replaced under a short lock once per batch.
 */
export class JoinedMetricWriter {
  readonly #prefix: string;
  readonly #name: string;
  readonly #metadataPath: string;
  readonly #fd: number;
  readonly #workerField: string;
  #last: number;

  constructor(prefix: string, dir: string, name: string, worker: string, nextIndex: number) {
    this.#prefix = prefix;
    this.#name = name;
    mkdirSync(dir, { recursive: true });
    this.#metadataPath = join(dir, METRIC_METADATA_FILE);
    this.#fd = openSync(join(dir, METRIC_DATA_FILE), "a");
    this.#workerField = `,"worker":${JSON.stringify(worker)}}\n`;
    this.#last = nextIndex - 1;
  }

  append(records: readonly StoredRecord[], now: string): void {
    let text = "";
    const indexes: number[] = [];
    let last = this.#last;
    for (const record of records as readonly MetricPointRecord[]) {
      if (record.sequenceNumber <= last) continue;
      text += `{"index":${record.sequenceNumber},"data":${JSON.stringify(record.data)},"createdAt":${JSON.stringify(record.createdAt)}${this.#workerField}`;
      last = record.sequenceNumber;
      indexes.push(last);
    }
    const count = indexes.length;
    if (count === 0) return;
    const bytes = Buffer.from(text, "utf8");
    // One call for the whole batch when the OS takes it all (a regular file does): another
    // worker's append then lands before or after it, never inside.
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      // The complete lines are on disk: the retry starts after them, so none is written twice.
      const done = countNewlines(bytes, offset);
      if (done > 0) this.#last = indexes[done - 1] as number;
      throw error;
    }
    this.#last = last;
    withShortLock(`${this.#metadataPath}.lock`, this.#prefix, () => {
      // Fields ml-dash put there (description, tags, metricId) are kept as they are.
      const metadata = readJsonObject(this.#metadataPath) ?? newMetricMetadata(this.#name, now);
      metadata["totalDataPoints"] = (countField(metadata, "totalDataPoints") ?? 0) + count;
      metadata["nextIndex"] = Math.max(countField(metadata, "nextIndex") ?? 0, last + 1);
      metadata["updatedAt"] = now;
      writeJsonAtomic(this.#metadataPath, metadata);
    });
  }

  close(): void {
    closeSync(this.#fd);
  }
}

function countNewlines(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}
