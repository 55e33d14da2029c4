import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import {
  CRASHED_ERROR_NAME,
  LOGS_STREAM,
  PartialWriteError,
  batchKind,
  logRecordSchema,
  storedRecordSchema,
  type RecordBatch,
  type RunEnded,
  type RunInfo,
  type RunOpened,
  type SequenceRange,
  type Sink,
  ExperimentLockedError,
  RunStateError,
} from "@dashlog/core";
import { acquireExperimentLock, liveLockHolder } from "./experiment-lock.js";
import { forgetTaker, readCounter, reserveFromCounter } from "./sequence-counter.js";
import { appendWorkerLine } from "./workers-file.js";
import { lastValidRecord } from "./lines-from-end.js";
import { ExperimentFiles } from "./experiment-files.js";
import { JoinedFiles } from "./joined-files.js";
import { ForeignWriterError, UNKNOWN_WRITER, describeHolder, firstHeldLock, flockHolder } from "./foreign-writer.js";
import { highestSequenceNumber } from "./highest-sequence.js";
import { logSequenceFile, logSequenceLockFile, mlDashLockFiles } from "./ml-dash-paths.js";
import { writeLogSequenceOnce } from "./log-sequence.js";
import {
  DEFAULT_ROOT,
  LOGS_DIR,
  WORKER_LOCK_PREFIX,
  experimentDir,
  lockFile,
  runsFile,
  sequenceFile,
  streamFile,
  workerLockFile,
  workersFile,
} from "./paths.js";
import { appendRunRecord, readRuns } from "./runs-file.js";
import { StoppedWrite, writeFully, type OpenFile } from "./partial-write.js";
import { terminateTornLine } from "./torn-line.js";

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
/** Characters of lines joined before they are encoded in one call. */
const CHUNK_CHARS = 16 * 1024;

/** A worker's part of a joined run, open in this sink. */
interface JoinedPart {
  readonly run: RunInfo;
  readonly worker: string;
  /** One past the highest number on disk when the worker joined: its first block starts no lower. */
  readonly floor: number;
  readonly release: () => void;
  /** Numbers of the blocks appended to its part: its count in the counter is dropped at its end only when they agree. */
  recorded: number;
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
  /** Joined runs' parts by experiment, run id and worker (several workers may share one sink in one process). */
  readonly #parts = new Map<string, JoinedPart>();
  /** Joined workers' metric series and parameters, by experiment and worker (what a batch names). */
  readonly #joinedFiles = new Map<string, JoinedFiles>();
  /**
   * File path by experiment and stream: checking the prefix and resolving the path costs
   * microseconds, and a run with many sparse streams writes many small batches.
   */
  readonly #paths = new Map<string, Map<string, string>>();
  /** ml-dash's files of experiments written without a run (`write` called directly). */
  readonly #looseFiles = new Map<string, ExperimentFiles>();
  /** Where a batch's lines are encoded; reused by every write (writes are synchronous and never overlap). */
  #scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(options: LocalJsonlOptions = {}) {
    this.root = resolve(options.root ?? DEFAULT_ROOT);
    this.#fsync = options.fsync ?? "close";
  }

  async openRun(run: RunInfo): Promise<RunOpened> {
    if (run.worker !== undefined) return this.#joinRun(run, run.worker);
    const dir = experimentDir(this.root, run.experiment);
    const logsDir = join(dir, LOGS_DIR);
    mkdirSync(logsDir, { recursive: true });
    const release = acquireExperimentLock(lockFile(this.root, run.experiment), run.experiment, run.runId, run.startedAt);
    let files: ExperimentFiles | undefined;
    try {
      refuseIfWorkersRun(dir, run.experiment);
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
      let lastLogTime: string | undefined;
      for (const name of readdirSync(logsDir)) {
        if (!name.endsWith(".jsonl")) continue;
        const path = join(logsDir, name);
        terminateTornLine(path);
        const isLogs = name === `${LOGS_STREAM}.jsonl`;
        const schema = isLogs ? logRecordSchema : storedRecordSchema;
        // Past the highest number near the end, whoever wrote it and whether or not its line
        // passes (ml-dash's lines, a hand-edited tail), not just the last valid line's.
        next = Math.max(next, (await highestSequenceNumber(path, schema)) + 1);
        if (isLogs) {
          const last = await lastValidRecord(path, schema);
          if (typeof last?.["timestamp"] === "string") lastLogTime = last["timestamp"];
        }
      }
      // Numbers reserved by joined runs' workers and never used lie past the last record.
      next = Math.max(next, readCounter(sequenceFile(this.root, run.experiment)) ?? 0);
      files.setNextLogSequence(next);
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
      this.#runs.set(run.experiment, { runId: run.runId, startedAt: run.startedAt, firstSequenceNumber: next, release, files });
      return { nextSequenceNumber: next, metrics: files.opened };
    } catch (error) {
      files?.close();
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
      const kind = batchKind(batch);
      try {
        if (kind.kind === "stream") this.#writeBatch(batch);
        else {
          const files = batch.worker === undefined ? this.#shared(batch.experiment) : this.#joined(batch.experiment, batch.worker);
          if (kind.kind === "metric") files.writeMetric(kind.metric, batch.records, new Date().toISOString());
          else files.writeParams(batch.records, new Date().toISOString());
        }
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
    if (run.worker !== undefined) {
      this.#leaveRun(run, run.worker);
      return;
    }
    const open = this.#runs.get(run.experiment);
    try {
      // Joined runs number from the counter: it must not hand out what this run used.
      const counter = sequenceFile(this.root, run.experiment);
      if (readCounter(counter) !== undefined) reserveFromCounter(counter, run.experiment, 0, run.nextSequenceNumber, () => undefined);
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

  /**
   * Joining a run takes no experiment-wide lock: only this worker's lock file (a second process
   * with the same worker name in the same run is refused), and the single-writer lock must not be
   * held by a live run of its own. Numbering comes from `reserveSequenceNumbers`; the part starts
   * RUNNING in `workers.jsonl`. Its metric points and parameter changes go through JoinedFiles.
   */
  async #joinRun(run: RunInfo, worker: string): Promise<RunOpened> {
    const dir = experimentDir(this.root, run.experiment);
    const logsDir = join(dir, LOGS_DIR);
    mkdirSync(logsDir, { recursive: true });
    const single = liveLockHolder(lockFile(this.root, run.experiment));
    if (single !== undefined) {
      throw new ExperimentLockedError(run.experiment, `process ${single.pid} on ${single.hostname} (run ${single.runId}, a run of its own)`, "wait for that run to end before joining a run of the experiment");
    }
    const release = acquireExperimentLock(workerLockFile(this.root, run.experiment, run.runId, worker), run.experiment, run.runId, run.startedAt);
    try {
      const held = firstHeldLock(mlDashLockFiles(this.root, run.experiment));
      if (held !== undefined) throw new ForeignWriterError(run.experiment, held.path, describeHolder(held.holder), "it holds the lock");
      ensureExperimentFiles(this.root, run.experiment, run.startedAt);
      let floor = ExperimentFiles.readLogSequence(this.root, run.experiment) ?? 0;
      for (const name of readdirSync(logsDir)) {
        if (!name.endsWith(".jsonl")) continue;
        const schema = name === `${LOGS_STREAM}.jsonl` ? logRecordSchema : storedRecordSchema;
        floor = Math.max(floor, (await highestSequenceNumber(join(logsDir, name), schema)) + 1);
      }
      // Where this worker's blocks start no lower: readers look for numbers it took and never recorded past it.
      const sequenceFloor = Math.max(floor, readCounter(sequenceFile(this.root, run.experiment)) ?? 0);
      appendWorkerLine(workersFile(this.root, run.experiment), {
        runId: run.runId,
        worker,
        status: "RUNNING",
        startedAt: run.startedAt,
        pid: process.pid,
        hostname: hostname(),
        sequenceFloor,
      });
      const joinedKey = joinedFilesKey(run.experiment, worker);
      this.#joinedFiles.get(joinedKey)?.close();
      const joinedFiles = await JoinedFiles.open(this.root, run.experiment, worker);
      this.#joinedFiles.set(joinedKey, joinedFiles);
      this.#parts.set(partKey(run.experiment, run.runId, worker), { run, worker, floor, release, recorded: 0 });
      return { nextSequenceNumber: sequenceFloor, metrics: joinedFiles.opened };
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * A block of numbers for a worker of a joined run, from the experiment's counter file under
   * a short exclusive lock (see `reserveFromCounter`): the counter counts the numbers it hands
   * this worker in the same write that moves it, and the block is then appended to the worker's
   * part in `workers.jsonl` under the same lock. Numbers a crashed worker never used can so be
   * told apart from lost records, even when it was killed between the two steps.
   */
  reserveSequenceNumbersSync(run: RunInfo, count: number): SequenceRange {
    const part = run.worker === undefined ? undefined : this.#parts.get(partKey(run.experiment, run.runId, run.worker));
    if (part === undefined) throw new RunStateError(`reserveSequenceNumbers: run ${run.runId} of ${JSON.stringify(run.experiment)} was not joined through this sink as worker ${JSON.stringify(run.worker)}`);
    const logsDir = join(experimentDir(this.root, run.experiment), LOGS_DIR);
    return reserveFromCounter(
      sequenceFile(this.root, run.experiment),
      run.experiment,
      count,
      part.floor,
      (reserved) => {
        appendWorkerLine(workersFile(this.root, run.experiment), { runId: run.runId, worker: part.worker, reserved });
        part.recorded += reserved.count;
        // Under the counter lock, so it only grows: an ml-dash run after this one numbers past every reserved block.
        writeLogSequenceOnce(logSequenceFile(this.root, run.experiment), reserved.first + reserved.count);
      },
      // The first reservation ever: nobody appends yet, so a line torn by an earlier crash can be ended safely.
      () => {
        for (const name of readdirSync(logsDir)) if (name.endsWith(".jsonl")) terminateTornLine(join(logsDir, name));
      },
      { runId: run.runId, worker: part.worker },
    );
  }

  reserveSequenceNumbers(run: RunInfo, count: number): SequenceRange {
    return this.reserveSequenceNumbersSync(run, count);
  }

  /** A worker's end: its status, where it stopped and the numbers it never used, then its lock. */
  #leaveRun(run: RunEnded, worker: string): void {
    const key = partKey(run.experiment, run.runId, worker);
    const part = this.#parts.get(key);
    try {
      appendWorkerLine(workersFile(this.root, run.experiment), {
        runId: run.runId,
        worker,
        status: run.status,
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        pid: process.pid,
        hostname: hostname(),
        nextSequenceNumber: run.nextSequenceNumber,
        unusedSequenceNumbers: [...(run.unusedSequenceNumbers ?? [])],
        ...(run.error === undefined ? {} : { error: run.error }),
      });
      if (part !== undefined) {
        try {
          forgetTaker(sequenceFile(this.root, run.experiment), run.experiment, { runId: run.runId, worker }, part.recorded);
        } catch {
          // Only keeps the counter file larger: its count still agrees with the part's blocks.
        }
      }
      this.#closeFiles(experimentDir(this.root, run.experiment), worker);
      this.#joinedFiles.get(joinedFilesKey(run.experiment, worker))?.close();
      this.#joinedFiles.delete(joinedFilesKey(run.experiment, worker));
    } finally {
      if (part !== undefined) {
        this.#parts.delete(key);
        part.release();
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
    for (const part of this.#parts.values()) part.release();
    this.#parts.clear();
    for (const files of this.#looseFiles.values()) files.close();
    this.#looseFiles.clear();
    for (const files of this.#joinedFiles.values()) files.close();
    this.#joinedFiles.clear();
  }

  #writeBatch(batch: RecordBatch): void {
    const worker = batch.worker;
    const file = this.#file(this.#streamPath(batch.experiment, batch.stream), worker);
    // A joined run's records of streams other than `logs` carry their worker too (the `logs`
    // consumer puts it in the record itself); spliced into the JSON, not copied per record.
    const workerField = worker === undefined || batch.stream === LOGS_STREAM ? undefined : `,"worker":${JSON.stringify(worker)}}`;
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
    // Lines are joined into chunks of about CHUNK_CHARS and each chunk is encoded straight
    // into a reused buffer: one encoding call per chunk rather than per line (the call
    // costs more than copying a short line), and no batch-sized string or new Buffer per
    // write (that was a tenth of a record's cost, and the garbage collector's too).
    let buffer = this.#scratch;
    let length = 0;
    const encode = (text: string): void => {
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      const needed = length + text.length * 3;
      if (needed > buffer.length) {
        const larger = Buffer.allocUnsafe(Math.max(needed, buffer.length * 2));
        buffer.copy(larger, 0, 0, length);
        buffer = larger;
        if (larger.length <= MAX_SCRATCH_BYTES) this.#scratch = larger;
      }
      length += buffer.write(text, length, "utf8");
    };
    let chunk = "";
    let last = file.lastSequenceNumber;
    for (const record of batch.records) {
      if (record.sequenceNumber <= file.lastSequenceNumber) continue;
      if (workerField === undefined || record["worker"] !== undefined) chunk += `${JSON.stringify(record)}\n`;
      else chunk += `${JSON.stringify(record).slice(0, -1)}${workerField}\n`;
      last = record.sequenceNumber;
      if (chunk.length >= CHUNK_CHARS) {
        encode(chunk);
        chunk = "";
      }
    }
    if (chunk.length > 0) encode(chunk);
    if (length === 0) return;
    // One fstat a batch: a file that grew under this sink was appended to by another writer
    // (ml-dash ignores dashlog's .lock), and writing on would duplicate sequence numbers. In a
    // joined run the other workers append to the same file, by design: see `#file`.
    if (worker === undefined && fstatSync(file.fd).size !== file.size) {
      const lock = logSequenceLockFile(this.root, batch.experiment);
      const holder = flockHolder(lock);
      throw new ForeignWriterError(batch.experiment, streamFile(this.root, batch.experiment, batch.stream), holder === undefined ? UNKNOWN_WRITER : describeHolder(holder), "a file dashlog appends to grew under it:");
    }
    file.lastSequenceNumber = last;
    try {
      writeFully(file, buffer.subarray(0, length));
    } catch (error) {
      throw StoppedWrite.from(error, handedOver, Number.POSITIVE_INFINITY);
    }
    // In a joined run .log_sequence moves with the reservations instead (see reserveSequenceNumbersSync).
    if (batch.stream === LOGS_STREAM && worker === undefined) this.#shared(batch.experiment).setNextLogSequence(last + 1);
  }

  #streamPath(experiment: string, stream: string): string {
    let streams = this.#paths.get(experiment);
    if (streams === undefined) {
      streams = new Map();
      this.#paths.set(experiment, streams);
    }
    let path = streams.get(stream);
    if (path === undefined) {
      path = streamFile(this.root, experiment, stream);
      streams.set(stream, path);
    }
    return path;
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

  /** A joined worker's metric series and parameters; opened on the spot for a worker that did not join through this sink. */
  #joined(experiment: string, worker: string): JoinedFiles {
    const key = joinedFilesKey(experiment, worker);
    let files = this.#joinedFiles.get(key);
    if (files === undefined) {
      files = JoinedFiles.unopened(this.root, experiment, worker);
      this.#joinedFiles.set(key, files);
    }
    return files;
  }

  /**
   * The open file of a stream; one per worker in a joined run. Every worker of a joined run
   * appends whole lines to the same `logs/<stream>.jsonl` rather than to a file of its own:
   * the file is opened O_APPEND and each batch goes out in one write(2), which a local file
   * system applies at the end of the file as a whole (the inode is locked for the write), so
   * lines of different workers never interleave and no lock is taken per record or per batch.
   * (A write cut short by SIGKILL is the exception: the next batch is glued to its unfinished
   * line, and the line parser recovers the complete record after the cut.)
   * Every reader, `tail -f`, ml-dash's upload and the single-writer format keep working on one
   * file; each worker's lines are in ascending order (its blocks are), so the merged view is
   * a sort (see the reader's `readMerged`). Not for network file systems, where O_APPEND is not
   * atomic across machines: use MongoDB to share a run across machines.
   */
  #file(path: string, worker?: string): OpenFile {
    const key = worker === undefined ? path : `${path}\0${worker}`;
    let file = this.#files.get(key);
    if (file === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(path, "a");
      file = { fd, lastSequenceNumber: -1, remainder: null, size: fstatSync(fd).size };
      this.#files.set(key, file);
    }
    return file;
  }

  /** Closes the files under a folder: a run of its own's, or only `worker`'s. */
  #closeFiles(under: string, worker?: string): void {
    for (const [path, file] of this.#files) {
      if (!path.startsWith(under + sep)) continue;
      if (worker !== undefined && !path.endsWith(`\0${worker}`)) continue;
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

function partKey(experiment: string, runId: string, worker: string): string {
  return `${experiment}\0${runId}\0${worker}`;
}

function joinedFilesKey(experiment: string, worker: string): string {
  return `${experiment}\0${worker}`;
}

/** `experiment.json` as ml-dash wants it, created once whoever comes first (O_EXCL). */
function ensureExperimentFiles(root: string, prefix: string, now: string): void {
  ExperimentFiles.openSync(root, prefix, now).close();
}

/** A run of its own may not start while workers of a joined run write the experiment. */
function refuseIfWorkersRun(dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) {
    // Skips the lock's own temporary and claim files (`<lock>.<uuid>.tmp`, `<lock>.break`).
    if (!name.startsWith(WORKER_LOCK_PREFIX) || name.endsWith(".tmp") || name.endsWith(".break")) continue;
    const holder = liveLockHolder(join(dir, name));
    if (holder !== undefined) {
      throw new ExperimentLockedError(prefix, `process ${holder.pid} on ${holder.hostname}, a worker of joined run ${holder.runId}`, "wait for the joined run's workers to end");
    }
  }
}
