import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import {
  LOGS_STREAM,
  batchKind,
  logRecordSchema,
  storedRecordSchema,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type Sink,
} from "@dashlog/core";
import { acquireExperimentLock } from "./experiment-lock.js";
import { ExperimentFiles } from "./experiment-files.js";
import { ForeignWriterError, UNKNOWN_WRITER, describeHolder, firstHeldLock, flockHolder } from "./foreign-writer.js";
import { highestSequenceNumber } from "./highest-sequence.js";
import { logSequenceLockFile, mlDashLockFiles } from "./ml-dash-paths.js";
import { DEFAULT_ROOT, LOGS_DIR, experimentDir, lockFile, runsFile, streamFile } from "./paths.js";
import { appendRunRecord } from "./runs-file.js";

export interface LocalJsonlOptions {
  /** Root folder; relative paths resolve against the working directory when the sink is created. Default `.dash`. */
  readonly root?: string;
  /**
   * When to fsync: `"close"` (default) when a run ends, `"batch"` after every write
   * (survives a machine crash, costs a disk flush per batch), `"never"`.
   * Without fsync, a process crash still loses nothing written: the OS has the data.
   */
  readonly fsync?: "close" | "batch" | "never";
}

/** A batch of 1,000 typical records fits; larger batches grow it, up to MAX_SCRATCH_BYTES kept for the next write. */
const INITIAL_SCRATCH_BYTES = 256 * 1024;
const MAX_SCRATCH_BYTES = 4 * 1024 * 1024;

interface OpenFile {
  readonly fd: number;
  /** Highest sequence number handed to the OS, so a retried batch is not written twice. */
  lastSequenceNumber: number;
  /** The unwritten end of a batch whose write failed part-way; written before anything else. */
  remainder: Buffer | null;
  /** The file's size as this sink left it: a different size before a write means another writer appended. */
  size: number;
}

interface OpenRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly firstSequenceNumber: number;
  readonly release: () => void;
  readonly files: ExperimentFiles;
}

/** The embedded default sink: stream NAME of experiment PREFIX goes to `<root>/PREFIX/logs/NAME.jsonl`. */
export function localJsonl(options: LocalJsonlOptions = {}): JsonlSink {
  return new JsonlSink(options);
}

/**
 * Appends each stream's records as JSON lines. Writes are synchronous `write(2)` calls
 * made by core's BatchProcessor off the caller's path, so there is never a write in
 * flight when the process exits and `writeSync` can finish the job at exit.
 */
export class JsonlSink implements Sink {
  readonly root: string;
  readonly #fsync: "close" | "batch" | "never";
  readonly #files = new Map<string, OpenFile>();
  readonly #runs = new Map<string, OpenRun>();
  /** ml-dash's files of experiments written without a run (`write` called directly). */
  readonly #looseFiles = new Map<string, ExperimentFiles>();
  /** Where a batch's lines are encoded; reused by every write (writes are synchronous and never overlap). */
  #scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(options: LocalJsonlOptions = {}) {
    this.root = resolve(options.root ?? DEFAULT_ROOT);
    this.#fsync = options.fsync ?? "close";
  }

  async openRun(run: RunInfo): Promise<RunOpened> {
    const dir = experimentDir(this.root, run.experiment);
    const logsDir = join(dir, LOGS_DIR);
    mkdirSync(logsDir, { recursive: true });
    const release = acquireExperimentLock(lockFile(this.root, run.experiment), run.experiment, run.runId, run.startedAt);
    let files: ExperimentFiles | undefined;
    try {
      // ml-dash ignores dashlog's .lock and holds its own flock only around each append; a
      // holder seen now is an ml-dash process writing this experiment right now.
      const held = firstHeldLock(mlDashLockFiles(this.root, run.experiment));
      if (held !== undefined) throw new ForeignWriterError(run.experiment, held.path, describeHolder(held.holder), "it holds the lock");
      this.#looseFiles.get(run.experiment)?.close();
      this.#looseFiles.delete(run.experiment);
      files = await ExperimentFiles.open(this.root, run.experiment, run.startedAt);
      // Numbering continues after the highest number on disk, whoever wrote it and whether or
      // not its line is one dashlog would write, and after ml-dash's .log_sequence.
      let next = ExperimentFiles.readLogSequence(this.root, run.experiment) ?? 0;
      for (const name of readdirSync(logsDir)) {
        if (!name.endsWith(".jsonl")) continue;
        const path = join(logsDir, name);
        terminateTornLine(path);
        const schema = name === `${LOGS_STREAM}.jsonl` ? logRecordSchema : storedRecordSchema;
        next = Math.max(next, (await highestSequenceNumber(path, schema)) + 1);
      }
      files.setNextLogSequence(next);
      const runs = runsFile(this.root, run.experiment);
      if (existsSync(runs)) terminateTornLine(runs);
      appendRunRecord(runs, {
        runId: run.runId,
        status: "RUNNING",
        startedAt: run.startedAt,
        firstSequenceNumber: next,
        pid: process.pid,
        hostname: hostname(),
      });
      this.#runs.set(run.experiment, { runId: run.runId, startedAt: run.startedAt, firstSequenceNumber: next, release, files });
      return { nextSequenceNumber: next, metrics: files.opened };
    } catch (error) {
      files?.close();
      release();
      throw error;
    }
  }

  write(batches: readonly RecordBatch[]): void {
    for (const batch of batches) {
      const kind = batchKind(batch);
      if (kind.kind === "stream") this.#writeBatch(batch);
      else if (kind.kind === "metric") this.#shared(batch.experiment).writeMetric(kind.metric, batch.records, new Date().toISOString());
      else this.#shared(batch.experiment).writeParams(batch.records, new Date().toISOString());
    }
    if (this.#fsync === "batch") for (const file of this.#files.values()) fsyncSync(file.fd);
  }

  writeSync(batches: readonly RecordBatch[]): void {
    this.write(batches);
  }

  closeRun(run: RunEnded): void {
    this.closeRunSync(run);
  }

  closeRunSync(run: RunEnded): void {
    const open = this.#runs.get(run.experiment);
    try {
      appendRunRecord(runsFile(this.root, run.experiment), {
        runId: run.runId,
        status: run.status,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        firstSequenceNumber: run.firstSequenceNumber,
        nextSequenceNumber: run.nextSequenceNumber,
        pid: process.pid,
        hostname: hostname(),
        ...(run.error === undefined ? {} : { error: run.error }),
      });
      this.#closeFiles(experimentDir(this.root, run.experiment));
    } finally {
      if (open?.runId === run.runId) {
        this.#runs.delete(run.experiment);
        open.files.close();
        open.release();
      }
    }
  }

  flush(): void {
    for (const file of this.#files.values()) {
      if (file.remainder !== null) writeFully(file, file.remainder);
    }
  }

  close(): void {
    this.#closeFiles(this.root);
    for (const run of this.#runs.values()) {
      run.files.close();
      run.release();
    }
    this.#runs.clear();
    for (const files of this.#looseFiles.values()) files.close();
    this.#looseFiles.clear();
  }

  #writeBatch(batch: RecordBatch): void {
    const file = this.#file(streamFile(this.root, batch.experiment, batch.stream));
    if (file.remainder !== null) writeFully(file, file.remainder);
    // Each line is encoded straight into a reused buffer: no batch-sized string to build,
    // flatten and copy into a new Buffer every write (that was a tenth of a record's cost,
    // and the garbage collector's too).
    let buffer = this.#scratch;
    let length = 0;
    let last = file.lastSequenceNumber;
    for (const record of batch.records) {
      if (record.sequenceNumber <= file.lastSequenceNumber) continue;
      const line = JSON.stringify(record);
      // UTF-8 takes at most 3 bytes per UTF-16 code unit; then the newline.
      const needed = length + line.length * 3 + 1;
      if (needed > buffer.length) {
        const larger = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
        if (larger.length <= MAX_SCRATCH_BYTES) this.#scratch = larger;
      }
      length += buffer.write(line, length, "utf8");
      buffer[length++] = 0x0a;
      last = record.sequenceNumber;
    }
    if (length === 0) return;
    // One fstat a batch: a file that grew under this sink was appended to by another writer
    // (ml-dash ignores dashlog's .lock), and writing on would duplicate sequence numbers.
    if (fstatSync(file.fd).size !== file.size) {
      const lock = logSequenceLockFile(this.root, batch.experiment);
      const holder = flockHolder(lock);
      throw new ForeignWriterError(batch.experiment, streamFile(this.root, batch.experiment, batch.stream), holder === undefined ? UNKNOWN_WRITER : describeHolder(holder), "a file dashlog appends to grew under it:");
    }
    file.lastSequenceNumber = last;
    writeFully(file, buffer.subarray(0, length));
    if (batch.stream === LOGS_STREAM) this.#shared(batch.experiment).setNextLogSequence(last + 1);
  }

  /** The experiment's ml-dash files: the run's, or opened for a sink written to without one. */
  #shared(experiment: string): ExperimentFiles {
    const run = this.#runs.get(experiment);
    if (run !== undefined) return run.files;
    let files = this.#looseFiles.get(experiment);
    if (files === undefined) {
      files = ExperimentFiles.openSync(this.root, experiment, new Date().toISOString());
      this.#looseFiles.set(experiment, files);
    }
    return files;
  }

  #file(path: string): OpenFile {
    let file = this.#files.get(path);
    if (file === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, "a");
      file = { fd, lastSequenceNumber: -1, remainder: null, size: fstatSync(fd).size };
      this.#files.set(path, file);
    }
    return file;
  }

  #closeFiles(under: string): void {
    for (const [path, file] of this.#files) {
      if (!path.startsWith(under + sep)) continue;
      if (file.remainder !== null) continue; // keep it: a later flush may still finish the write
      if (this.#fsync !== "never") fsyncSync(file.fd);
      closeSync(file.fd);
      this.#files.delete(path);
    }
  }
}

/** Writes all of `buffer`, keeping a copy of what could not be written as the file's remainder before rethrowing. */
function writeFully(file: OpenFile, buffer: Buffer): void {
  let offset = 0;
  try {
    while (offset < buffer.length) {
      const written = writeSync(file.fd, buffer, offset, buffer.length - offset);
      offset += written;
      file.size += written;
    }
    file.remainder = null;
  } catch (error) {
    // A copy: `buffer` may be the sink's scratch buffer, which the next batch overwrites.
    file.remainder = Buffer.from(buffer.subarray(offset));
    throw error;
  }
}

/**
 * A crash can leave the last line without its newline. Ending it keeps the torn text
 * (readers report it as malformed, with its line number) instead of gluing the next
 * record onto it.
 */
function terminateTornLine(path: string): void {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, "\n", size);
  } finally {
    closeSync(fd);
  }
}
