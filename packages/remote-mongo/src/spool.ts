import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { appendFile, mkdir, open, readFile, readdir, rename, stat, unlink } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { batchKind, type RecordBatch, type RunEnded, type StoredRecord } from "@dashlog/core";
import {
  PENDING_DIR,
  REJECTED_DIR,
  REPLAYING_SUFFIX,
  describeSpoolFile,
  spoolRunsFile,
  spoolStreamFile,
  type SpoolFileInfo,
} from "./spool-paths.js";

const READ_BLOCK_BYTES = 64 * 1024;

/** A line of a spool file, parsed. */
export type SpoolLine =
  | { readonly kind: "record"; readonly line: number; readonly record: StoredRecord }
  | { readonly kind: "run"; readonly line: number; readonly run: RunEnded }
  | { readonly kind: "bad"; readonly line: number; readonly text: string; readonly reason: string };

export interface SpoolFileCount {
  readonly path: string;
  readonly records: number;
}

/**
 * Local JSONL files that hold what MongoDB could not take yet (`pending/`) or will never
 * take (`rejected/`). Appends are serialised in this process; replay claims a file by
 * renaming it, so new appends start a fresh file and nothing is read while it is written.
 */
export class Spool {
  readonly dir: string;
  readonly pendingDir: string;
  readonly rejectedDir: string;
  #chain: Promise<unknown> = Promise.resolve();
  /** Files whose last byte this process has checked, so a torn line of a crashed writer never swallows the next record. */
  readonly #checked = new Set<string>();
  #appending = 0;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.pendingDir = join(this.dir, PENDING_DIR);
    this.rejectedDir = join(this.dir, REJECTED_DIR);
  }

  /** Runs `fn` after every spool operation started before it. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Appends to `pending/` asked for and not landed yet. Counted from the call, not from when the
   * append's turn comes: a check queued before it must not call the spool empty.
   */
  get appending(): number {
    return this.#appending;
  }

  /** Counts `append` in `appending` until it lands or fails. */
  #pendingAppend<T>(fn: () => Promise<T>): Promise<T> {
    this.#appending++;
    return this.serial(fn).finally(() => {
      this.#appending--;
    });
  }

  /** Appends the batches' records to `pending/`; resolves once they are on disk. */
  append(batches: readonly RecordBatch[]): Promise<number> {
    return this.#pendingAppend(async () => {
      let n = 0;
      for (const batch of batches) {
        if (batch.records.length === 0) continue;
        const path = spoolStreamFile(this.pendingDir, batch.experiment, batch.stream);
        await this.#appendLines(path, batch.records.map((r) => JSON.stringify(withWorker(r, batch.worker))));
        n += batch.records.length;
      }
      return n;
    });
  }

  /** The same, synchronously: for process exit, when no promise will ever settle. */
  appendSync(batches: readonly RecordBatch[]): number {
    let n = 0;
    for (const batch of batches) {
      if (batch.records.length === 0) continue;
      const path = spoolStreamFile(this.pendingDir, batch.experiment, batch.stream);
      appendLinesSync(path, batch.records.map((r) => JSON.stringify(withWorker(r, batch.worker))));
      n += batch.records.length;
    }
    return n;
  }

  appendRun(run: RunEnded): Promise<void> {
    return this.#pendingAppend(() => this.#appendLines(spoolRunsFile(this.pendingDir, run.experiment), [JSON.stringify(run)]));
  }

  appendRunSync(run: RunEnded): void {
    appendLinesSync(spoolRunsFile(this.pendingDir, run.experiment), [JSON.stringify(run)]);
  }

  /** Sets a record aside for good, with the reason, under `rejected/`. */
  reject(experiment: string, stream: string, record: unknown, reason: string): Promise<string> {
    const path = spoolStreamFile(this.rejectedDir, experiment, stream);
    return this.serial(async () => {
      await this.#appendLines(path, [JSON.stringify({ reason, record })]);
      return path;
    });
  }

  rejectSync(experiment: string, stream: string, record: unknown, reason: string): string {
    const path = spoolStreamFile(this.rejectedDir, experiment, stream);
    appendLinesSync(path, [JSON.stringify({ reason, record })]);
    return path;
  }

  /** Every pending file on disk, claimed ones first, so an interrupted replay is finished before a new one starts. */
  async pendingFiles(experiment?: string): Promise<SpoolFileInfo[]> {
    const files = (await listFiles(this.pendingDir))
      .map((path) => describeSpoolFile(this.pendingDir, path))
      .filter((f): f is SpoolFileInfo => f !== undefined && (experiment === undefined || f.experiment === experiment));
    // Records before run statuses, so a COMPLETED status never lands before its records.
    return files.sort((a, b) => Number(b.replaying) - Number(a.replaying) || Number(a.stream === undefined) - Number(b.stream === undefined));
  }

  /** Takes a pending file for replay (renaming it); returns the path to read, or undefined when it is gone. */
  claim(file: SpoolFileInfo): Promise<string | undefined> {
    if (file.replaying) return Promise.resolve(file.path);
    return this.serial(async () => {
      const target = `${file.path}${REPLAYING_SUFFIX}`;
      // An older claim of the same stream comes first; this file waits for the next round.
      if (existsSync(target)) return undefined;
      try {
        await rename(file.path, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      this.#checked.delete(file.path);
      return target;
    });
  }

  /**
   * Gives claimed files back their plain `<stream>.jsonl` name (merging with records
   * appended since), so a closed spool shows one file per stream. A crash half-way leaves
   * a record in both files at worst, which a replay stores once.
   */
  releaseClaims(): Promise<void> {
    return this.serial(async () => {
      for (const path of await listFiles(this.pendingDir)) {
        if (!path.endsWith(REPLAYING_SUFFIX)) continue;
        const plain = path.slice(0, -REPLAYING_SUFFIX.length);
        if (existsSync(plain)) {
          const text = await readFile(plain, "utf8");
          if (!(await endsWithNewline(path))) await appendFile(path, "\n");
          await appendFile(path, text);
          await unlink(plain);
        }
        await rename(path, plain);
        this.#checked.delete(plain);
      }
    });
  }

  remove(path: string): Promise<void> {
    return this.serial(async () => {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
    });
  }

  /**
   * Reads a spool file, yielding the parsed lines of each block of up to 64 KiB read from
   * it. Blocks rather than lines: replay reads hundreds of thousands of lines after a long
   * outage, and one promise per line cost as much as parsing them.
   */
  async *read(path: string, runs: boolean): AsyncGenerator<readonly SpoolLine[]> {
    const handle = await open(path, "r");
    try {
      const decoder = new StringDecoder("utf8");
      const buffer = Buffer.allocUnsafe(READ_BLOCK_BYTES);
      let rest = "";
      let line = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        const done = bytesRead === 0;
        // Only the new text is split, so a line longer than a block is not scanned again for every block.
        const texts = (done ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead))).split("\n");
        texts[0] = rest + (texts[0] as string);
        // The last piece is a line still being read, unless the file has ended (then it is torn, or empty).
        rest = done ? "" : (texts.pop() as string);
        const out: SpoolLine[] = [];
        for (const raw of texts) {
          line++;
          const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
          if (text.length > 0) out.push(parseSpoolLine(text, line, runs));
        }
        if (out.length > 0) yield out;
        if (done) return;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * The highest sequence number of `experiment` in the spool (pending and rejected), or -1.
   * Runs between other spool operations: a replay claiming (renaming) or removing a file
   * in the middle of the scan would otherwise hide that file's records from it.
   */
  maxSequenceNumber(experiment: string): Promise<number> {
    return this.#maxNumber(experiment, (stream) => stream === undefined || batchKind(stream).kind === "stream");
  }

  /** The highest number spooled (or set aside) per metric or parameter batch key (`@metrics/<name>`, `@params`) of `experiment`. */
  async maxMetricIndexes(experiment: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const keys = new Set<string>();
    for (const file of [...(await this.pendingFiles(experiment)), ...(await listFiles(this.rejectedDir)).map((p) => describeSpoolFile(this.rejectedDir, p))]) {
      if (file?.experiment === experiment && file.stream !== undefined && batchKind(file.stream).kind !== "stream") keys.add(file.stream);
    }
    for (const key of keys) out.set(key, await this.#maxNumber(experiment, (stream) => stream === key, false));
    return out;
  }

  #maxNumber(experiment: string, include: (stream: string | undefined) => boolean, withRuns = true): Promise<number> {
    return this.serial(async () => {
      let max = -1;
      const files = [
        ...(await this.pendingFiles(experiment)),
        ...(await listFiles(this.rejectedDir)).map((p) => describeSpoolFile(this.rejectedDir, p)).filter((f) => f?.experiment === experiment),
      ];
      for (const file of files) {
        if (file === undefined || !include(file.stream) || (!withRuns && file.stream === undefined)) continue;
        const rejected = file.path.startsWith(this.rejectedDir);
        for await (const entries of this.read(file.path, file.stream === undefined && !rejected)) {
          for (const entry of entries) {
            if (entry.kind === "record") max = Math.max(max, entry.record.sequenceNumber);
            else if (entry.kind === "run") max = Math.max(max, entry.run.nextSequenceNumber - 1);
            else if (rejected) {
              const seq = (safeParse(entry.text) as { record?: { sequenceNumber?: unknown } } | undefined)?.record?.sequenceNumber;
              if (typeof seq === "number") max = Math.max(max, seq);
            }
          }
        }
      }
      return max;
    });
  }

  /** Pending record files and how many records each holds. */
  async countPending(): Promise<SpoolFileCount[]> {
    return this.#count(this.pendingDir);
  }

  async countRejected(): Promise<SpoolFileCount[]> {
    return this.#count(this.rejectedDir);
  }

  async #count(root: string): Promise<SpoolFileCount[]> {
    const out: SpoolFileCount[] = [];
    for (const path of await listFiles(root)) {
      const file = describeSpoolFile(root, path);
      if (file === undefined || file.stream === undefined) continue;
      out.push({ path, records: await countLines(path) });
    }
    return out;
  }

  async #appendLines(path: string, lines: readonly string[]): Promise<void> {
    let text = `${lines.join("\n")}\n`;
    if (!this.#checked.has(path)) {
      await mkdir(dirname(path), { recursive: true });
      if (!(await endsWithNewline(path))) text = `\n${text}`;
      this.#checked.add(path);
    }
    await appendFile(path, text);
  }
}

function appendLinesSync(path: string, lines: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  let text = `${lines.join("\n")}\n`;
  // At exit an async append may have been cut short: never glue a record to a torn line.
  if (existsSync(path)) {
    const fd = openSync(path, "r");
    try {
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = `\n${text}`;
      }
    } finally {
      closeSync(fd);
    }
  }
  appendFileSync(path, text);
}

async function endsWithNewline(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw error;
  }
  for (const entry of entries) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** Non-empty lines: a guard newline written after a torn line is not a record. */
async function countLines(path: string): Promise<number> {
  try {
    if ((await stat(path)).size === 0) return 0;
  } catch {
    return 0;
  }
  let n = 0;
  let previous = 0x0a;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    let start = 0;
    for (let i = buffer.indexOf(0x0a); i >= 0; i = buffer.indexOf(0x0a, i + 1)) {
      const before = i === 0 ? previous : buffer[i - 1];
      if (i > start || before !== 0x0a) n++;
      start = i + 1;
    }
    if (buffer.length > 0) previous = buffer[buffer.length - 1] ?? previous;
  }
  return n;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseSpoolLine(text: string, line: number, runs: boolean): SpoolLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "bad", line, text, reason: "not JSON (a line cut short by a crash?)" };
  }
  if (runs) return isRunEnded(value) ? { kind: "run", line, run: value } : { kind: "bad", line, text, reason: "not a run status" };
  return isStoredRecord(value) ? { kind: "record", line, record: value } : { kind: "bad", line, text, reason: "not a record with a non-negative integer sequenceNumber" };
}

function isStoredRecord(value: unknown): value is StoredRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const seq = (value as { sequenceNumber?: unknown }).sequenceNumber;
  return typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0;
}

function isRunEnded(value: unknown): value is RunEnded {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<RunEnded>;
  return typeof v.experiment === "string" && typeof v.runId === "string" && (v.status === "COMPLETED" || v.status === "FAILED") && typeof v.nextSequenceNumber === "number";
}

/** A joined run's record keeps its worker through the spool (a `logs` record has it already; the batch carries it for others). */
function withWorker(record: StoredRecord, worker: string | undefined): StoredRecord {
  return worker === undefined || record["worker"] !== undefined ? record : { ...record, worker };
}
