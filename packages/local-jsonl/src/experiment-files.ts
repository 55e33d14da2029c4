import { mkdirSync } from "node:fs";
import type { MetricsOpened, StoredRecord } from "@dashlog/core";
import { ensureExperimentJson } from "./experiment-json.js";
import { LogSequenceFile, readLogSequence } from "./log-sequence.js";
import { MetricFileWriter, nextMetricIndexes } from "./metric-file-writer.js";
import { experimentJsonFile, logSequenceFile, metricDir, metricsDir, parametersFile } from "./ml-dash-paths.js";
import { experimentDir } from "./paths.js";
import { ParametersFileWriter } from "./params-file.js";

/**
 * The files of one experiment that ml-dash's tools share with dashlog: `experiment.json`,
 * `logs/.log_sequence`, `parameters.json` and `metrics/<name>/`. Opened when a run starts
 * (or at the first write of a sink used without runs), closed when it ends.
 */
export class ExperimentFiles {
  readonly #root: string;
  readonly #prefix: string;
  readonly #metrics = new Map<string, MetricFileWriter>();
  readonly #nextIndex: Record<string, number>;
  readonly #params: ParametersFileWriter;
  readonly #sequence: LogSequenceFile;

  private constructor(root: string, prefix: string, nextIndex: Record<string, number>) {
    this.#root = root;
    this.#prefix = prefix;
    this.#nextIndex = nextIndex;
    this.#params = new ParametersFileWriter(parametersFile(root, prefix));
    this.#sequence = new LogSequenceFile(logSequenceFile(root, prefix));
  }

  /** Creates `experiment.json` when missing and reads where each metric continues. The `logs/` folder must exist. */
  static async open(root: string, prefix: string, now: string): Promise<ExperimentFiles> {
    ensureExperimentJson(experimentJsonFile(root, prefix), prefix, now);
    return new ExperimentFiles(root, prefix, await nextMetricIndexes(metricsDir(root, prefix)));
  }

  /** Synchronous open for a sink written to without `openRun`: metrics then continue from their `metadata.json`. */
  static openSync(root: string, prefix: string, now: string): ExperimentFiles {
    mkdirSync(experimentDir(root, prefix), { recursive: true });
    ensureExperimentJson(experimentJsonFile(root, prefix), prefix, now);
    return new ExperimentFiles(root, prefix, {});
  }

  /** ml-dash's next log number, if it left one. */
  static readLogSequence(root: string, prefix: string): number | undefined {
    return readLogSequence(logSequenceFile(root, prefix));
  }

  get opened(): MetricsOpened {
    return { nextIndex: { ...this.#nextIndex }, nextParamsIndex: this.#params.nextIndex, params: this.#params.data };
  }

  /** Records that log numbering continues at `next`, so ml-dash's next append does too. */
  setNextLogSequence(next: number): void {
    if (next > this.#sequence.written) this.#sequence.write(next);
  }

  writeMetric(name: string, records: readonly StoredRecord[], now: string): void {
    let writer = this.#metrics.get(name);
    if (writer === undefined) {
      writer = new MetricFileWriter(this.#prefix, metricDir(this.#root, this.#prefix, name), name, this.#nextIndex[name] ?? 0, now);
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
    this.#sequence.close();
  }
}
