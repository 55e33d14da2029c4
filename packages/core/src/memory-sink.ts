import type { JsonValue } from "./json.js";
import { LOGS_STREAM } from "./log-records.js";
import { PARAMS_BATCH, batchKind, metricBatchStream, type MetricPointRecord, type ParamsRecord } from "./metric-batches.js";
import type { LogRecord, StoredRecord } from "./record.js";
import type { RecordBatch, RunEnded, RunInfo, RunOpened, RunStatus, SequenceRange, Sink } from "./sink.js";

export interface MemoryRunRecord {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly firstSequenceNumber: number;
  readonly nextSequenceNumber?: number;
  readonly error?: { readonly name: string; readonly message: string };
  /** Records of the run that never reached the sink, when some did not. */
  readonly unwritten?: number;
  /** A joined run: one record per worker. */
  readonly worker?: string;
  /** A joined run's worker: the blocks of numbers it reserved, and those it never used. */
  readonly reserved?: readonly SequenceRange[];
  readonly unusedSequenceNumbers?: readonly SequenceRange[];
}

/** Keeps everything in memory: for tests, and as the smallest example of a complete sink. */
export class MemorySink implements Sink {
  readonly #records = new Map<string, Map<string, StoredRecord[]>>();
  readonly #runs = new Map<string, MemoryRunRecord[]>();
  /** Per experiment, the next number a joined run's worker may reserve. */
  readonly #counters = new Map<string, number>();
  /** Every write call's batches, in order, to assert on batching. */
  readonly writes: (readonly RecordBatch[])[] = [];
  closed = false;

  write(batches: readonly RecordBatch[]): void {
    this.writes.push(batches);
    for (const batch of batches) {
      const records = this.#stream(batch.experiment, batch.stream);
      // A joined run's metric points and parameter changes keep their worker, as the file and
      // MongoDB sinks store it (log records carry it already).
      if (batch.worker === undefined || batchKind(batch).kind === "stream") records.push(...batch.records);
      else for (const record of batch.records) records.push({ ...record, worker: batch.worker });
    }
  }

  writeSync(batches: readonly RecordBatch[]): void {
    this.write(batches);
  }

  openRun(run: RunInfo): RunOpened {
    let next = 0;
    const nextIndex: Record<string, number> = {};
    for (const [stream, records] of this.#records.get(run.experiment) ?? []) {
      const last = records.at(-1);
      if (last === undefined) continue;
      const kind = batchKind(stream);
      if (kind.kind === "stream") next = Math.max(next, last.sequenceNumber + 1);
      // Workers of a joined run interleave their points: the highest index, not the last one's.
      else if (kind.kind === "metric") nextIndex[kind.metric] = records.reduce((max, r) => Math.max(max, r.sequenceNumber), -1) + 1;
    }
    next = Math.max(next, this.#counters.get(run.experiment) ?? 0);
    const params = this.params(run.experiment);
    const runs = this.#runs.get(run.experiment) ?? [];
    runs.push({ runId: run.runId, status: "RUNNING", startedAt: run.startedAt, firstSequenceNumber: next, ...(run.worker === undefined ? {} : { worker: run.worker, reserved: [] }) });
    this.#runs.set(run.experiment, runs);
    return {
      nextSequenceNumber: next,
      metrics: { nextIndex, nextParamsIndex: this.records(run.experiment, PARAMS_BATCH).length, params },
    };
  }

  /** Blocks from one counter per experiment; a run of its own moves the counter past what it used when it ends. */
  reserveSequenceNumbers(run: RunInfo, count: number): SequenceRange {
    let first = this.#counters.get(run.experiment) ?? 0;
    // Past every record of the experiment, as openRun: runs of their own may have written since.
    for (const [stream, records] of this.#records.get(run.experiment) ?? []) {
      const last = records.at(-1);
      if (last !== undefined && batchKind(stream).kind === "stream") first = Math.max(first, last.sequenceNumber + 1);
    }
    this.#counters.set(run.experiment, first + count);
    const part = this.#runs.get(run.experiment)?.find((r) => r.runId === run.runId && r.worker === run.worker);
    if (part !== undefined) (part.reserved as SequenceRange[] | undefined)?.push({ first, count });
    return { first, count };
  }

  reserveSequenceNumbersSync(run: RunInfo, count: number): SequenceRange {
    return this.reserveSequenceNumbers(run, count);
  }

  closeRun(run: RunEnded): void {
    const runs = this.#runs.get(run.experiment) ?? [];
    if (run.worker === undefined) this.#counters.set(run.experiment, Math.max(this.#counters.get(run.experiment) ?? 0, run.nextSequenceNumber));
    const index = runs.findIndex((r) => r.runId === run.runId && r.worker === run.worker);
    const ended: MemoryRunRecord = {
      runId: run.runId,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      firstSequenceNumber: run.firstSequenceNumber,
      nextSequenceNumber: run.nextSequenceNumber,
      ...(run.error === undefined ? {} : { error: run.error }),
      ...(run.unwritten === undefined ? {} : { unwritten: run.unwritten }),
      ...(run.worker === undefined ? {} : { worker: run.worker, reserved: runs[index]?.reserved ?? [] }),
      ...(run.unusedSequenceNumbers === undefined ? {} : { unusedSequenceNumbers: run.unusedSequenceNumbers }),
    };
    if (index >= 0) runs[index] = ended;
    else runs.push(ended);
    this.#runs.set(run.experiment, runs);
  }

  closeRunSync(run: RunEnded): void {
    this.closeRun(run);
  }

  close(): void {
    this.closed = true;
  }

  /** Records of one stream of one experiment (a copy). */
  records(experiment: string, stream: string = LOGS_STREAM): StoredRecord[] {
    return [...(this.#records.get(experiment)?.get(stream) ?? [])];
  }

  /** The `logs` stream of one experiment. */
  logs(experiment: string): LogRecord[] {
    return this.records(experiment, LOGS_STREAM) as unknown as LogRecord[];
  }

  /** Names of the streams written (`logs` and consumer streams; not metrics). */
  streams(experiment: string): string[] {
    return [...(this.#records.get(experiment)?.keys() ?? [])].filter((stream) => batchKind(stream).kind === "stream");
  }

  /** Points of one metric, as queued: `{ sequenceNumber: index, data, createdAt }`. */
  metric(experiment: string, name: string): MetricPointRecord[] {
    return this.records(experiment, metricBatchStream(name)) as unknown as MetricPointRecord[];
  }

  /** Names of the metrics written. */
  metricNames(experiment: string): string[] {
    const names: string[] = [];
    for (const stream of this.#records.get(experiment)?.keys() ?? []) {
      const kind = batchKind(stream);
      if (kind.kind === "metric") names.push(kind.metric);
    }
    return names;
  }

  /** The parameters, every change merged in order. */
  params(experiment: string): Record<string, JsonValue> {
    const merged: Record<string, JsonValue> = {};
    for (const change of this.records(experiment, PARAMS_BATCH) as unknown as ParamsRecord[]) {
      for (const [key, value] of Object.entries(change.data)) Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return merged;
  }

  runs(experiment: string): MemoryRunRecord[] {
    return [...(this.#runs.get(experiment) ?? [])];
  }

  #stream(experiment: string, stream: string): StoredRecord[] {
    let streams = this.#records.get(experiment);
    if (streams === undefined) {
      streams = new Map();
      this.#records.set(experiment, streams);
    }
    let records = streams.get(stream);
    if (records === undefined) {
      records = [];
      streams.set(stream, records);
    }
    return records;
  }
}
