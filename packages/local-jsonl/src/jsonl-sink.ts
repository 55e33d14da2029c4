import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import {
  CRASHED_ERROR_NAME,
  LOGS_STREAM,
  PartialWriteError,
  logRecordSchema,
  storedRecordSchema,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type Sink,
} from "@dashlog/core";
import { acquireExperimentLock } from "./experiment-lock.js";
import { lastValidRecord } from "./lines-from-end.js";
import { DEFAULT_ROOT, LOGS_DIR, experimentDir, lockFile, runsFile, streamFile } from "./paths.js";
import { appendRunRecord, readRuns } from "./runs-file.js";

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
}

interface OpenRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly firstSequenceNumber: number;
  readonly release: () => void;
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
    try {
      let next = 0;
      let lastLogTime: string | undefined;
      for (const name of readdirSync(logsDir)) {
        if (!name.endsWith(".jsonl")) continue;
        const path = join(logsDir, name);
        terminateTornLine(path);
        const isLogs = name === `${LOGS_STREAM}.jsonl`;
        const last = await lastValidRecord(path, isLogs ? logRecordSchema : storedRecordSchema);
        if (last !== undefined) next = Math.max(next, last.sequenceNumber + 1);
        if (isLogs && typeof last?.["timestamp"] === "string") lastLogTime = last["timestamp"];
      }
      const runs = runsFile(this.root, run.experiment);
      if (existsSync(runs)) {
        terminateTornLine(runs);
        await recordCrashedRuns(runs, run, next, lastLogTime);
      }
      appendRunRecord(runs, {
        runId: run.runId,
        status: "RUNNING",
        startedAt: run.startedAt,
        firstSequenceNumber: next,
        pid: process.pid,
        hostname: hostname(),
      });
      this.#runs.set(run.experiment, { runId: run.runId, startedAt: run.startedAt, firstSequenceNumber: next, release });
      return { nextSequenceNumber: next };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * Appends each batch to its stream's file. When a write fails part-way (ENOSPC), it throws
   * PartialWriteError saying how many records of each batch are complete lines on disk, so
   * core counts exactly those as written; the rest is kept (see `remainder`) and finished by
   * the retry.
   */
  write(batches: readonly RecordBatch[]): void {
    const stored: number[] = [];
    for (const batch of batches) {
      try {
        this.#writeBatch(batch);
      } catch (error) {
        const done = error instanceof StoppedWrite ? error.records : 0;
        const cause = error instanceof StoppedWrite ? error.cause : error;
        // Nothing stored: the plain error (an invalid prefix, EACCES) says it all.
        if (done === 0 && stored.every((n) => n === 0)) throw cause;
        throw new PartialWriteError([...stored, done], cause);
      }
      stored.push(batch.records.length);
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
    for (const run of this.#runs.values()) run.release();
    this.#runs.clear();
  }

  #writeBatch(batch: RecordBatch): void {
    const file = this.#file(streamFile(this.root, batch.experiment, batch.stream));
    // Records already handed to the OS: core offers a batch again from its first record not
    // yet complete on disk, so these are exactly the lines the remainder (if any) finishes.
    let handedOver = 0;
    while (handedOver < batch.records.length && (batch.records[handedOver]?.sequenceNumber ?? 0) <= file.lastSequenceNumber) handedOver++;
    if (file.remainder !== null) {
      try {
        writeFully(file, file.remainder);
      } catch (error) {
        throw StoppedWrite.from(error, 0, handedOver);
      }
    }
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
    file.lastSequenceNumber = last;
    try {
      writeFully(file, buffer.subarray(0, length));
    } catch (error) {
      throw StoppedWrite.from(error, handedOver, Number.POSITIVE_INFINITY);
    }
  }

  #file(path: string): OpenFile {
    let file = this.#files.get(path);
    if (file === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      file = { fd: openSync(path, "a"), lastSequenceNumber: -1, remainder: null };
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

/**
 * With the lock held, a run still stored RUNNING can only be one whose process died without
 * recording its end (SIGKILL, out of memory): record that end now, as FAILED with error name
 * `Crashed`, numbered up to where this run starts. `endedAt` is the time of the last log
 * record (the crash came at or after it), or the run's start when there is none after it.
 */
async function recordCrashedRuns(path: string, by: RunInfo, next: number, lastLogTime: string | undefined): Promise<void> {
  for (const old of await readRuns(path)) {
    if (old.status !== "RUNNING" || old.runId === by.runId) continue;
    const endedAt = lastLogTime !== undefined && lastLogTime >= old.startedAt ? lastLogTime : old.startedAt;
    appendRunRecord(path, {
      ...old,
      status: "FAILED",
      endedAt,
      nextSequenceNumber: Math.max(next, old.firstSequenceNumber),
      error: {
        name: CRASHED_ERROR_NAME,
        message: `the run's process${old.pid === undefined ? "" : ` (pid ${old.pid}${old.hostname === undefined ? "" : ` on ${old.hostname}`})`} ended without recording its end; recorded by run ${by.runId} when it took the experiment`,
      },
    });
  }
}

/** A write that stopped part-way: `records` of its batch are complete lines on disk. */
class StoppedWrite extends Error {
  readonly records: number;
  constructor(records: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.records = records;
  }

  /** `before` records were complete already; the lines that `error` (from writeFully) says were finished are added, at most `most`. */
  static from(error: unknown, before: number, most: number): StoppedWrite {
    const lines = error instanceof PartlyWritten ? error.lines : 0;
    return new StoppedWrite(before + Math.min(lines, most), error instanceof PartlyWritten ? error.cause : error);
  }
}

/** writeFully failed after `lines` complete lines of its buffer reached the file. */
class PartlyWritten extends Error {
  readonly lines: number;
  constructor(lines: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.lines = lines;
  }
}

/** Writes all of `buffer`, keeping a copy of what could not be written as the file's remainder before throwing PartlyWritten. */
function writeFully(file: OpenFile, buffer: Buffer): void {
  let offset = 0;
  try {
    while (offset < buffer.length) offset += writeSync(file.fd, buffer, offset, buffer.length - offset);
    file.remainder = null;
  } catch (error) {
    // A copy: `buffer` may be the sink's scratch buffer, which the next batch overwrites.
    file.remainder = Buffer.from(buffer.subarray(offset));
    throw new PartlyWritten(countNewlines(buffer, offset), error);
  }
}

function countNewlines(buffer: Buffer, end: number): number {
  let n = 0;
  for (let i = buffer.indexOf(0x0a); i >= 0 && i < end; i = buffer.indexOf(0x0a, i + 1)) n++;
  return n;
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
