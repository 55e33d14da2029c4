import { setImmediate as nextTurn } from "node:timers/promises";
import { LEVELS, type Level, type StoredRecord } from "@dashlog/core";
import type { LogPage, LogQuery, ReportLogRow } from "../report/report-data.js";
import type { PositionedReader } from "./positioned-reader.js";
import { TrigramFilter, queryBits } from "./trigram-filter.js";
import { Column } from "./column.js";
import { ANY_WORKER, WorkerBits, overlaps } from "./worker-bits.js";
import { WorkerTimes } from "./worker-times.js";

/** Records per checkpoint: a page read starts at most this many records before its first row. */
export const CHECKPOINT_RECORDS = 256;
/** Records a filtered page may scan before it answers with what it found and a cursor. */
const SCAN_BUDGET = 64 * CHECKPOINT_RECORDS;
/** Once a filtered page has some rows, it answers after this long; the table asks for more as it is scrolled. */
const FIRST_ROWS_MS = 40;

/** A batch at least this large is followed by a turn of the event loop, so requests wait for no more than one batch. */
export const YIELD_AFTER = 256;

/** One turn of the event loop: pending requests and I/O run before the next batch is parsed. */
export function yieldToRequests(): Promise<void> {
  return nextTurn();
}

const LEVEL_BIT: Record<Level, number> = { debug: 1, info: 2, warn: 4, error: 8, fatal: 16 };



/** What the index hands on for each log record it takes in (charts, spans, errors). */
export type LogRecordListener = (record: StoredRecord, time: number, ordinal: number) => void;

/**
 * The logs stream of one experiment, indexed as it grows: every CHECKPOINT_RECORDS records
 * it keeps the position, first sequence number, first time and the levels seen, so any page
 * of the table is one short read, a level filter skips whole checkpoints, and a time range
 * is a binary search. The records themselves stay in the store.
 */
export class LogIndex {
  readonly #reader: PositionedReader;
  readonly #prefix: string;
  readonly #position = new Column();
  readonly #firstSequence = new Column();
  readonly #firstTime = new Column();
  /**
   * Per checkpoint, its earliest and latest time: used instead of the first times when the log's
   * times do not only grow (a joined run's workers append their batches one after another, each
   * a little behind or ahead of the others).
   */
  readonly #minTime = new Column();
  readonly #maxTime = new Column();
  /** True while every record's time was at least the one before it. */
  #ordered = true;
  #previousTime = Number.NEGATIVE_INFINITY;
  readonly #levelMask = new Column();
  /** Per checkpoint, the workers seen (see WorkerBits): a worker filter skips the others' checkpoints. */
  readonly #workerMask = new Column();
  readonly #workerBits = new WorkerBits();
  /** Log records per worker of a joined run, in the order the workers were first seen. */
  readonly workers = new Map<string, number>();
  readonly #workerTimes = new WorkerTimes();
  /** Per checkpoint, the trigrams of its messages and metadata: a text search reads only checkpoints that may match. */
  readonly #text = new TrigramFilter();
  readonly #listener: LogRecordListener | undefined;
  /** Where the parse stopped, and how many records it took in. */
  #parseEnd = 0;
  #parsed = 0;
  /** Where the count without parsing stopped; `#total` is the larger of what it and the parse found. */
  #skimEnd = 0;
  #skimming: Promise<void> | undefined;
  #total = 0;
  #firstTimeSeen: number | null = null;
  #lastTime: number | null = null;
  #lastSequence = -1;
  readonly levels: Record<Level, number> = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;

  readonly #onUnreadable: (() => void) | undefined;

  constructor(reader: PositionedReader, prefix: string, listener?: LogRecordListener, onUnreadable?: () => void) {
    this.#onUnreadable = onUnreadable;
    this.#reader = reader;
    this.#prefix = prefix;
    this.#listener = listener;
  }

  get total(): number {
    return this.#total;
  }
  /** Records parsed so far: level counts, charts and times cover these. Below `total` while a large run is first read. */
  get parsed(): number {
    return this.#parsed;
  }
  /** True when the store can count records without parsing them (local files). */
  get skims(): boolean {
    return this.#reader.recordStarts !== undefined;
  }

  /**
   * Counts and places records appended since the last look without parsing them, so a page of
   * the newest rows can be read before the parse reaches them. A no-op for stores that cannot.
   */
  skim(signal?: AbortSignal): Promise<void> {
    // Concurrent requests share one count: two counting from the same place would count twice.
    this.#skimming ??= this.#skim(signal).finally(() => {
      this.#skimming = undefined;
    });
    return this.#skimming;
  }

  async #skim(signal?: AbortSignal): Promise<void> {
    if (this.#reader.recordStarts === undefined) return;
    if (this.#parsed >= this.#total) this.#skimEnd = Math.max(this.#skimEnd, this.#parseEnd);
    const found = await this.#reader.recordStarts(this.#prefix, "logs", this.#skimEnd, this.#total, CHECKPOINT_RECORDS, signal);
    for (const start of found.starts) {
      // Unknown until parsed: any level may be there, and no time or sequence number yet.
      this.#position.push(start);
      this.#firstSequence.push(Number.NaN);
      this.#firstTime.push(Number.NaN);
      this.#minTime.push(Number.NaN);
      this.#maxTime.push(Number.NaN);
      this.#levelMask.push(31);
      this.#workerMask.push(ANY_WORKER);
    }
    this.#total += found.records;
    this.#skimEnd = found.end;
  }
  get firstTime(): number | null {
    return this.#firstTimeSeen;
  }
  get lastTime(): number | null {
    return this.#lastTime;
  }

  /** Reads what was appended since the last call; returns how many records were new. */
  async update(signal?: AbortSignal): Promise<number> {
    let added = 0;
    for await (const batch of this.#reader.readFrom(this.#prefix, "logs", this.#parseEnd, { signal, onUnreadable: this.#onUnreadable })) {
      if (batch.length >= YIELD_AFTER) await yieldToRequests();
      for (const { record, start, end } of batch) {
        const time = timeOf(record) ?? this.#lastTime ?? 0;
        const level = levelOf(record);
        const k = Math.floor(this.#parsed / CHECKPOINT_RECORDS);
        if (this.#parsed % CHECKPOINT_RECORDS === 0) {
          if (k >= this.#position.length) {
            this.#position.push(start);
            this.#firstSequence.push(record.sequenceNumber);
            this.#firstTime.push(time);
            this.#minTime.push(time);
            this.#maxTime.push(time);
            this.#levelMask.push(0);
            this.#workerMask.push(0);
          } else {
            // Placed by skim(): now known.
            this.#firstSequence.set(k, record.sequenceNumber);
            this.#firstTime.set(k, time);
            this.#minTime.set(k, time);
            this.#maxTime.set(k, time);
            this.#levelMask.set(k, 0);
            this.#workerMask.set(k, 0);
          }
          this.#text.setCheckpoint(k);
        }
        this.#indexText(k, record);
        this.#levelMask.set(k, this.#levelMask.at(k) | LEVEL_BIT[level]);
        const worker = record["worker"];
        if (typeof worker === "string") {
          this.workers.set(worker, (this.workers.get(worker) ?? 0) + 1);
          this.#workerMask.set(k, this.#workerMask.at(k) | this.#workerBits.bitOf(worker));
          this.#workerTimes.note(worker, record.sequenceNumber, time);
        }
        this.levels[level]++;
        this.#parsed++;
        this.#total = Math.max(this.#total, this.#parsed);
        this.#parseEnd = end;
        if (time < this.#minTime.at(k)) this.#minTime.set(k, time);
        if (time > this.#maxTime.at(k)) this.#maxTime.set(k, time);
        if (time < this.#previousTime) this.#ordered = false;
        this.#previousTime = time;
        this.#firstTimeSeen ??= time;
        this.#lastTime = this.#lastTime === null ? time : Math.max(this.#lastTime, time);
        this.#lastSequence = record.sequenceNumber;
        this.#listener?.(record, time, this.#parsed - 1);
        added++;
      }
    }
    return added;
  }

  /** What the search compares, lower-cased the same way: the message and the metadata as JSON. */
  #indexText(k: number, record: StoredRecord): void {
    const message = record["message"];
    this.#text.add(k, (typeof message === "string" ? message : String(message ?? "")).toLowerCase());
    const metadata = record["metadata"];
    if (metadata !== null && metadata !== undefined) this.#text.add(k, JSON.stringify(metadata).toLowerCase());
  }

  /** Bytes the text index holds (2 a record, 8 MiB at most). */
  get textIndexBytes(): number {
    return this.#text.bytes;
  }

  /**
   * Wall-clock ms of a sequence number, for streams whose records carry none: exact at
   * checkpoints, interpolated between them (a checkpoint spans a few hundred events). With
   * `worker` (a joined run's record), from that worker's own log records: the file's sequence
   * numbers jump between the workers' blocks.
   */
  timeOfSequence(sequence: number, worker?: string): number | undefined {
    if (worker !== undefined) {
      const own = this.#workerTimes.timeOf(worker, sequence);
      if (own !== undefined) return own;
    }
    const n = Math.ceil(this.#parsed / CHECKPOINT_RECORDS);
    if (n === 0) return undefined;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#firstSequence.at(mid) <= sequence) lo = mid;
      else hi = mid - 1;
    }
    const s0 = this.#firstSequence.at(lo);
    const t0 = this.#firstTime.at(lo);
    const s1 = lo + 1 < n ? this.#firstSequence.at(lo + 1) : this.#lastSequence;
    const t1 = lo + 1 < n ? this.#firstTime.at(lo + 1) : (this.#lastTime ?? t0);
    if (sequence <= s0 || s1 <= s0) return t0;
    if (sequence >= s1) return t1;
    return t0 + ((t1 - t0) * (sequence - s0)) / (s1 - s0);
  }

  /** Rows `first` to `first + count - 1` in log order (0 is the oldest), oldest first. */
  async range(first: number, count: number, signal?: AbortSignal): Promise<LogPage> {
    const total = this.#total;
    const from = Math.max(0, first);
    const to = Math.min(total, first + count);
    if (to <= from) return { rows: [], total, next: null };
    return { rows: await this.#readOrdinals(from, to - from, signal), total, next: null };
  }

  /**
   * Rows matching `query`, newest first, below the log position `cursor` (null: from the newest).
   * Answers with at most `limit` rows, or fewer once SCAN_BUDGET records were read, and the
   * cursor to continue from (null when nothing older can match).
   */
  async search(query: LogQuery, cursor: string | null, limit: number, signal?: AbortSignal): Promise<LogPage> {
    const total = this.#total;
    let below = cursor === null ? total : Number(cursor);
    if (!Number.isSafeInteger(below) || below < 0 || below > total) throw new RangeError(`cursor must be a log position up to ${total}, got ${JSON.stringify(cursor)}`);
    const mask = query.levels === undefined ? 31 : query.levels.reduce((m, l) => m | LEVEL_BIT[l], 0);
    const workers = query.workers === undefined ? undefined : new Set(query.workers);
    const workerMask = query.workers === undefined ? undefined : this.#workerBits.maskOf(query.workers);
    const text = query.text === undefined || query.text === "" ? undefined : query.text.toLowerCase();
    const bits = text === undefined ? [] : queryBits(text);
    const textKnown = this.#parsed >= total ? Number.POSITIVE_INFINITY : Math.floor(this.#parsed / CHECKPOINT_RECORDS);
    const { since, until } = query;
    // Checkpoints the parse has not reached have no time yet: the time shortcuts wait for it.
    const n = this.#parsed >= total ? this.#position.length : 0;
    const ordered = this.#ordered;
    // Times only grow within a run of its own: a checkpoint that starts after `until` holds nothing wanted.
    if (until !== undefined && n > 0 && ordered) below = Math.min(below, (this.#lastCheckpointStartingBy(until) + 1) * CHECKPOINT_RECORDS);
    const rows: ReportLogRow[] = [];
    let scanned = 0;
    const started = performance.now();
    while (below > 0 && rows.length < limit && scanned < SCAN_BUDGET && (rows.length === 0 || performance.now() - started < FIRST_ROWS_MS)) {
      const k = Math.floor((below - 1) / CHECKPOINT_RECORDS);
      // Once a checkpoint ends before `since`, every older one does too.
      if (ordered && since !== undefined && k + 1 < n && this.#firstTime.at(k + 1) < since) {
        below = 0;
        break;
      }
      const first = k * CHECKPOINT_RECORDS;
      // Times out of order (a joined run): each checkpoint's own range says whether it can hold a wanted time.
      if (!ordered && k < n && ((since !== undefined && this.#maxTime.at(k) < since) || (until !== undefined && this.#minTime.at(k) > until))) {
        below = first;
        continue;
      }
      // The text index knows a checkpoint once the parse has been through it (all of it, or the run's end).
      if ((this.#levelMask.at(k) & mask) === 0 || (workerMask !== undefined && !overlaps(this.#workerMask.at(k), workerMask)) || (bits.length > 0 && k < textKnown && !this.#text.mayContain(k, bits))) {
        below = first;
        continue;
      }
      const chunk = await this.#readOrdinals(first, below - first, signal);
      scanned += chunk.length;
      let i = chunk.length - 1;
      for (; i >= 0 && rows.length < limit; i--) {
        const row = chunk[i] as ReportLogRow;
        if ((LEVEL_BIT[row[2]] & mask) === 0) continue;
        if (workers !== undefined && (row[5] === undefined || !workers.has(row[5]))) continue;
        if (since !== undefined && row[1] < since) continue;
        if (until !== undefined && row[1] > until) continue;
        if (text !== undefined && !row[3].toLowerCase().includes(text) && !(row[4] ?? "").toLowerCase().includes(text)) continue;
        rows.push(row);
      }
      below = first + i + 1;
    }
    return { rows, total, next: below > 0 ? String(below) : null };
  }

  #lastCheckpointStartingBy(time: number): number {
    let lo = 0;
    let hi = this.#position.length - 1;
    if (hi < 0 || this.#firstTime.at(0) > time) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#firstTime.at(mid) <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The records `first` to `end - 1` in log order, oldest first, in batches. */
  async *records(first: number, end: number, signal?: AbortSignal): AsyncGenerator<StoredRecord[]> {
    const k = Math.floor(Math.max(0, first) / CHECKPOINT_RECORDS);
    if (end <= first || k >= this.#position.length) return;
    let skip = first - k * CHECKPOINT_RECORDS;
    const count = Math.min(end, this.#total) - first;
    let left = count;
    for await (const batch of this.#reader.readFrom(this.#prefix, "logs", this.#position.at(k), { limit: skip + count, signal })) {
      const out: StoredRecord[] = [];
      for (const { record } of batch) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (left-- <= 0) break;
        out.push(record);
      }
      if (out.length > 0) yield out;
      if (batch.length >= YIELD_AFTER) await yieldToRequests();
    }
  }

  async #readOrdinals(first: number, count: number, signal?: AbortSignal): Promise<ReportLogRow[]> {
    const k = Math.floor(first / CHECKPOINT_RECORDS);
    let skip = first - k * CHECKPOINT_RECORDS;
    const rows: ReportLogRow[] = [];
    if (count <= 0 || k >= this.#position.length) return rows;
    for await (const batch of this.#reader.readFrom(this.#prefix, "logs", this.#position.at(k), { limit: skip + count, signal })) {
      for (const { record } of batch) {
        if (skip > 0) {
          skip--;
          continue;
        }
        rows.push(toRow(record, timeOf(record) ?? 0));
      }
    }
    return rows;
  }
}

export function timeOf(record: StoredRecord): number | undefined {
  const t = record["timestamp"];
  if (typeof t === "string") {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return typeof t === "number" && Number.isFinite(t) ? t : undefined;
}

function levelOf(record: StoredRecord): Level {
  const level = record["level"];
  return typeof level === "string" && level in LEVEL_BIT ? (level as Level) : "info";
}

/** A record as a table row; text fields stay text (the page never parses them as HTML). */
export function toRow(record: StoredRecord, time: number): ReportLogRow {
  const message = record["message"];
  const metadata = record["metadata"];
  const worker = record["worker"];
  const row: [number, number, Level, string, string | null, string?] = [
    record.sequenceNumber,
    time,
    levelOf(record),
    typeof message === "string" ? message : String(message ?? ""),
    metadata === null || metadata === undefined ? null : JSON.stringify(metadata),
  ];
  // Only rows of a joined run carry the sixth field: a run of its own keeps its five.
  if (typeof worker === "string") row.push(worker);
  return row;
}
