import { LOGS_STREAM } from "./log-records.js";
import type { LogRecord, StoredRecord } from "./record.js";
import type { RecordBatch, RunEnded, RunInfo, RunOpened, RunStatus, Sink } from "./sink.js";

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
}

/** Keeps everything in memory: for tests, and as the smallest example of a complete sink. */
export class MemorySink implements Sink {
  readonly #records = new Map<string, Map<string, StoredRecord[]>>();
  readonly #runs = new Map<string, MemoryRunRecord[]>();
  /** Every write call's batches, in order, to assert on batching. */
  readonly writes: (readonly RecordBatch[])[] = [];
  closed = false;

  write(batches: readonly RecordBatch[]): void {
    this.writes.push(batches);
    for (const batch of batches) this.#stream(batch.experiment, batch.stream).push(...batch.records);
  }

  writeSync(batches: readonly RecordBatch[]): void {
    this.write(batches);
  }

  openRun(run: RunInfo): RunOpened {
    let next = 0;
    for (const records of this.#records.get(run.experiment)?.values() ?? []) {
      const last = records.at(-1);
      if (last !== undefined) next = Math.max(next, last.sequenceNumber + 1);
    }
    const runs = this.#runs.get(run.experiment) ?? [];
    runs.push({ runId: run.runId, status: "RUNNING", startedAt: run.startedAt, firstSequenceNumber: next });
    this.#runs.set(run.experiment, runs);
    return { nextSequenceNumber: next };
  }

  closeRun(run: RunEnded): void {
    const runs = this.#runs.get(run.experiment) ?? [];
    const index = runs.findIndex((r) => r.runId === run.runId);
    const ended: MemoryRunRecord = {
      runId: run.runId,
      status: run.status,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      firstSequenceNumber: run.firstSequenceNumber,
      nextSequenceNumber: run.nextSequenceNumber,
      ...(run.error === undefined ? {} : { error: run.error }),
      ...(run.unwritten === undefined ? {} : { unwritten: run.unwritten }),
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

  streams(experiment: string): string[] {
    return [...(this.#records.get(experiment)?.keys() ?? [])];
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
