import { join } from "node:path";
import type { MetricsOpened, StoredRecord } from "@dashlog/core";
import { JoinedMetricWriter } from "./joined-metric-writer.js";
import { JoinedParamsWriter } from "./joined-params.js";
import { nextMetricIndexes } from "./metric-file-writer.js";
import { METRIC_DATA_FILE, metricDir, metricsDir, parametersFile } from "./ml-dash-paths.js";
import { readParametersFile } from "./params-file.js";
import { joinedNextIndex } from "./joined-next-index.js";

/**
 * The metric series and parameters one worker of a joined run writes (see JoinedMetricWriter
 * and JoinedParamsWriter); the joined counterpart of ExperimentFiles.
 */
export class JoinedFiles {
  readonly #root: string;
  readonly #prefix: string;
  readonly #worker: string;
  readonly #nextIndex: Record<string, number>;
  readonly #metrics = new Map<string, JoinedMetricWriter>();
  readonly #params: JoinedParamsWriter;
  readonly #opened: MetricsOpened;

  private constructor(root: string, prefix: string, worker: string, nextIndex: Record<string, number>) {
    this.#root = root;
    this.#prefix = prefix;
    this.#worker = worker;
    this.#nextIndex = nextIndex;
    // This worker's change numbers only tell its own retried batches apart: they start at 0.
    this.#params = new JoinedParamsWriter(parametersFile(root, prefix), prefix, 0);
    this.#opened = { nextIndex: { ...nextIndex }, nextParamsIndex: 0, params: readParametersFile(parametersFile(root, prefix))?.data ?? {} };
  }

  /** Where each of the worker's series continues: see joinedNextIndex. */
  static async open(root: string, prefix: string, worker: string): Promise<JoinedFiles> {
    const dir = metricsDir(root, prefix);
    const series = await nextMetricIndexes(dir);
    const nextIndex: Record<string, number> = {};
    for (const [name, next] of Object.entries(series)) nextIndex[name] = await joinedNextIndex(join(dir, name, METRIC_DATA_FILE), worker, next);
    return new JoinedFiles(root, prefix, worker, nextIndex);
  }

  /** For a batch of a worker this sink did not see join: its series continue from 0 as far as this sink knows. */
  static unopened(root: string, prefix: string, worker: string): JoinedFiles {
    return new JoinedFiles(root, prefix, worker, {});
  }

  get opened(): MetricsOpened {
    return this.#opened;
  }

  writeMetric(name: string, records: readonly StoredRecord[], now: string): void {
    let writer = this.#metrics.get(name);
    if (writer === undefined) {
      writer = new JoinedMetricWriter(this.#prefix, metricDir(this.#root, this.#prefix, name), name, this.#worker, this.#nextIndex[name] ?? 0);
      this.#metrics.set(name, writer);
    }
    writer.append(records, now);
  }

  writeParams(records: readonly StoredRecord[], now: string): void {
    this.#params.apply(records, now);
  }

  close(): void {
    for (const writer of this.#metrics.values()) writer.close();
    this.#metrics.clear();
  }
}
