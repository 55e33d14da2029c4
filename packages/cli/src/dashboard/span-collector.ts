import type { StoredRecord } from "@dashlog/core";
import type { ReportSpan, ReportTimeline } from "../report/report-data.js";
import { assignLanes } from "../report/span-lanes.js";
import { timeOf } from "./log-index.js";

/** Spans drawn at most; a timeline of more is a blur, and the longest say the most. */
export const MAX_SPANS = 5_000;
/** Open (started, not yet finished) spans tracked at most, so a run that never finishes any stays bounded. */
const MAX_OPEN = 10_000;
/** The messages a span's start and finish get when the caller gives none (core's Run.start/finish). */
const SPAN_MESSAGE = /^(start|finish) (\S+) (.+)$/;

interface Collected {
  /** The worker of a joined run whose records the span came from. */
  readonly worker: string | undefined;
  readonly category: string;
  readonly id: string;
  readonly start: number;
  readonly durationMs: number | undefined;
  /** Sequence numbers of the start and finish events: the one order every run of an experiment shares. */
  readonly startSequence: number;
  readonly finishSequence: number | undefined;
  failed: boolean;
}

interface Open {
  readonly worker: string | undefined;
  readonly category: string;
  readonly id: string;
  readonly start: number;
  readonly sequence: number;
}

/**
 * The spans of one experiment, from whichever source it has: `spans` records
 * (spanDurations), start/finish events of `core` or `full`, or else the default
 * `start <category> <id>` / `finish <category> <id>` messages of the logs stream. Lanes are
 * placed by sequence numbers, not by millisecond wall-clock starts, so strictly sequential
 * spans share a lane however short they are. In a joined run a span belongs to the worker whose
 * records started and finished it (workers reuse span ids: every rank has an `epoch 1`), and
 * each worker gets its own lanes.
 */
export class SpanCollector {
  readonly source: string;
  #finished: Collected[] = [];
  readonly #open = new Map<string, Open>();
  /** Sequence numbers of error-level finishes, for `failed` (logs come first or later; both are looked up). */
  readonly #failedSequences = new Set<number>();
  #dropped = 0;
  #version = 0;

  /** Spans started and not finished yet. */
  get openCount(): number {
    return this.#open.size;
  }

  /** Goes up whenever the timeline would draw something different (but for unfinished spans growing). */
  get version(): number {
    return this.#version;
  }

  constructor(source: string) {
    this.source = source;
  }

  /** A record of the source stream. */
  add(record: StoredRecord, time: number | undefined): void {
    if (this.source === "spans") return this.#addSpanRecord(record);
    if (this.source === "logs") return this.#addLogRecord(record, time);
    const kind = record["kind"];
    const id = record["id"];
    const category = record["category"];
    if ((kind !== "start" && kind !== "finish") || (typeof id !== "string" && typeof id !== "number") || typeof category !== "string") return;
    const at = timeOf(record) ?? time;
    if (at === undefined) return;
    this.#event(workerOf(record), kind, category, String(id), at, record.sequenceNumber, record["level"] === "error");
  }

  /** An error-level log record: a span finished by this event failed. */
  noteError(sequence: number): void {
    if (this.#failedSequences.size < MAX_OPEN) this.#failedSequences.add(sequence);
    this.#version++;
  }

  timeline(lastTime: number | null): ReportTimeline {
    const open = [...this.#open.values()].map(
      (o): Collected => ({ worker: o.worker, category: o.category, id: o.id, start: o.start, durationMs: undefined, startSequence: o.sequence, finishSequence: undefined, failed: false }),
    );
    let spans = [...this.#finished, ...open];
    let omitted = this.#dropped;
    if (spans.length > MAX_SPANS) {
      omitted += spans.length - MAX_SPANS;
      spans = spans.sort((a, b) => (b.durationMs ?? Infinity) - (a.durationMs ?? Infinity)).slice(0, MAX_SPANS);
    }
    spans.sort((a, b) => a.startSequence - b.startSequence);
    const { lanes, laneOf, laneWorkers } = assignLanes(spans.map((s) => ({ category: s.category, start: s.startSequence, end: s.finishSequence ?? Infinity, worker: s.worker })));
    const placed = spans.map((s, i): ReportSpan => {
      const unfinished = s.durationMs === undefined;
      const end = unfinished ? Math.max(s.start, lastTime ?? s.start) : s.start + (s.durationMs as number);
      return {
        lane: laneOf[i] as number,
        ...(s.worker === undefined ? {} : { worker: s.worker }),
        category: s.category,
        id: s.id,
        start: s.start,
        end,
        durationMs: end - s.start,
        unfinished,
        failed: s.failed || (s.finishSequence !== undefined && this.#failedSequences.has(s.finishSequence)),
      };
    });
    return { source: this.source, lanes, ...(laneWorkers === undefined ? {} : { laneWorkers }), spans: placed, omitted };
  }

  #addSpanRecord(record: StoredRecord): void {
    const category = record["category"];
    const id = record["id"];
    const startValue = record["start"];
    const start = typeof startValue === "string" ? Date.parse(startValue) : typeof startValue === "number" ? startValue : Number.NaN;
    const duration = record["durationMs"];
    if (typeof category !== "string" || (typeof id !== "string" && typeof id !== "number") || !Number.isFinite(start)) return;
    const startSequence = typeof record["startSequenceNumber"] === "number" ? (record["startSequenceNumber"] as number) : record.sequenceNumber;
    this.#push({
      worker: workerOf(record),
      category,
      id: String(id),
      start,
      durationMs: typeof duration === "number" && Number.isFinite(duration) ? duration : undefined,
      startSequence,
      finishSequence: record.sequenceNumber,
      failed: false,
    });
  }

  #addLogRecord(record: StoredRecord, time: number | undefined): void {
    const message = record["message"];
    if (typeof message !== "string" || time === undefined) return;
    const match = SPAN_MESSAGE.exec(message);
    if (match === null) return;
    this.#event(workerOf(record), match[1] as "start" | "finish", match[2] as string, match[3] as string, time, record.sequenceNumber, record["level"] === "error");
  }

  #event(worker: string | undefined, kind: "start" | "finish", category: string, id: string, time: number, sequence: number, failed: boolean): void {
    const key = `${worker ?? ""}\u0000${category}\u0000${id}`;
    if (kind === "start") {
      if (this.#open.size >= MAX_OPEN) {
        this.#dropped++;
        return;
      }
      this.#open.set(key, { worker, category, id, start: time, sequence });
      this.#version++;
      return;
    }
    const open = this.#open.get(key);
    if (open === undefined) return;
    this.#open.delete(key);
    this.#push({ worker, category, id, start: open.start, durationMs: Math.max(0, time - open.start), startSequence: open.sequence, finishSequence: sequence, failed });
  }

  #push(span: Collected): void {
    this.#version++;
    this.#finished.push(span);
    // Keep the longest MAX_SPANS, pruning in halves so a long run costs amortised O(1) a span.
    if (this.#finished.length >= 2 * MAX_SPANS) {
      this.#finished.sort((a, b) => (b.durationMs ?? Infinity) - (a.durationMs ?? Infinity));
      this.#dropped += this.#finished.length - MAX_SPANS;
      this.#finished = this.#finished.slice(0, MAX_SPANS);
    }
  }
}

function workerOf(record: StoredRecord): string | undefined {
  const worker = record["worker"];
  return typeof worker === "string" ? worker : undefined;
}
