import { InvalidArgumentError, type JsonValue, type StoredRecord } from "@dashlog/core";
import { checkOptions } from "./option-checks.js";
import { alignClocks } from "./clock-groups.js";
import { assignTracks, type PlacedSpan } from "./trace-tracks.js";
import { parseSpan, type ParsedSpan, type TraceSpan } from "./trace-span.js";

/** A complete (`X`) or metadata (`M`) event of the Chrome trace event format. */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: "X" | "M";
  readonly pid: number;
  readonly tid: number;
  /** Microseconds from the trace's origin (0 on metadata events). */
  readonly ts: number;
  /** Microseconds; complete events only. */
  readonly dur?: number;
  readonly cat?: string;
  readonly args: { readonly [key: string]: JsonValue };
}

/** The JSON object form of a Chrome trace: `JSON.stringify` it into a `.json` file. */
export interface ChromeTrace {
  readonly traceEvents: ChromeTraceEvent[];
  readonly displayTimeUnit: "ms";
  readonly otherData: {
    readonly source: "dashlog";
    /** `monotonic` when every span had `startMonotonic` (exact), else `wall` (ms precision). */
    readonly clock: "monotonic" | "wall";
    /** Wall-clock time of ts 0, ISO-8601 UTC, when known. */
    readonly origin: string | null;
    /** Processes (runs) the spans came from, told apart by their monotonic clocks; 1 on the wall clock. */
    readonly processes: number;
    readonly spans: number;
    /** Unfinished spans drawn up to the end of the trace. */
    readonly unfinished: number;
    /** Unfinished spans left out (`unfinished: "drop"`). */
    readonly droppedUnfinished: number;
    /** Input records that were not spans (reported through `onInvalid`). */
    readonly invalid: number;
  };
}

export interface ChromeTraceOptions {
  /**
   * Spans without `durationMs` (never finished): `extend` (default) draws them from their
   * start to the end of the trace (the latest end or start of any span), named
   * `<category> <id> (unfinished)` with `args.unfinished: true`; `drop` leaves them out.
   * Either way they are counted in `otherData`.
   */
  readonly unfinished?: "extend" | "drop" | undefined;
  /** Process id of every event. Default 1. */
  readonly pid?: number | undefined;
  /** Shown as the process's name. Default `dashlog`. */
  readonly processName?: string | undefined;
  /**
   * Called with each record that is not a valid span (and it is skipped). Without it, the
   * first invalid record throws an InvalidArgumentError naming its index and field.
   */
  readonly onInvalid?: ((index: number, error: InvalidArgumentError) => void) | undefined;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

interface Placed extends PlacedSpan {
  readonly span: ParsedSpan;
  readonly unfinished: boolean;
}

/**
 * Converts span records into the Chrome trace event format, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: one complete event (`ph: "X"`, `ts` and
 * `dur` in µs) per span, one track (thread) per category, named with `thread_name`
 * metadata events. Spans of a category that overlap without nesting get extra tracks
 * (`io (2)`), since a track can only show a nested stack.
 *
 * Input: records of the `spans` stream (`spanDurations()`), read back from any sink,
 * plus `spanDurations().unfinished()`; or the output of `spansFromEvents` over the `core`
 * or `full` stream, which also finds unfinished spans. Times come from `startMonotonic`
 * when every span has it, else from the wall-clock `start`. Each process has its own
 * monotonic clock, so spans of several runs (one file holds every run of an experiment)
 * are placed by their wall-clock starts, run by run, and exactly within a run.
 */
export function toChromeTrace(spans: Iterable<TraceSpan | StoredRecord>, options?: ChromeTraceOptions): ChromeTrace {
  const opts = checkOptions("toChromeTrace", options);
  const unfinishedMode = opts.unfinished ?? "extend";
  if (unfinishedMode !== "extend" && unfinishedMode !== "drop") {
    throw new InvalidArgumentError("toChromeTrace option unfinished", unfinishedMode, 'must be "extend" or "drop"');
  }
  const pid = opts.pid ?? 1;
  if (!Number.isSafeInteger(pid) || pid < 0) throw new InvalidArgumentError("toChromeTrace option pid", pid, "must be a non-negative integer");
  const processName = opts.processName ?? "dashlog";
  if (typeof processName !== "string") throw new InvalidArgumentError("toChromeTrace option processName", processName, "must be a string");
  const onInvalid = opts.onInvalid;

  let invalid = 0;
  const parsed: { index: number; span: ParsedSpan }[] = [];
  let index = 0;
  for (const record of spans) {
    try {
      parsed.push({ index, span: parseSpan(`spans[${index}]`, record) });
    } catch (error) {
      if (onInvalid === undefined || !(error instanceof InvalidArgumentError)) throw error;
      invalid++;
      onInvalid(index, error);
    }
    index++;
  }

  const clock = parsed.every((p) => p.span.startMonotonic !== undefined) ? "monotonic" : "wall";
  const usable: ParsedSpan[] = [];
  for (const { index: i, span } of parsed) {
    if (clock === "wall" && span.startMs === undefined) {
      const error = new InvalidArgumentError(
        `spans[${i}].start`,
        undefined,
        "is needed: other spans have no startMonotonic, so all are placed by wall-clock start",
      );
      if (onInvalid === undefined) throw error;
      invalid++;
      onInvalid(i, error);
      continue;
    }
    usable.push(span);
  }
  const { relative, origin, processes } = placeStarts(usable, clock);
  let endMs = Number.NEGATIVE_INFINITY;
  usable.forEach((span, i) => {
    endMs = Math.max(endMs, (relative[i] as number) + (span.durationMs ?? 0));
  });

  let unfinished = 0;
  let droppedUnfinished = 0;
  const placed: Placed[] = [];
  usable.forEach((span, i) => {
    const start = relative[i] as number;
    let durationMs = span.durationMs;
    if (durationMs === undefined) {
      if (unfinishedMode === "drop") {
        droppedUnfinished++;
        return;
      }
      unfinished++;
      durationMs = endMs - start;
    }
    placed.push({ span, category: span.category, ts: round3(start * 1000), dur: round3(durationMs * 1000), unfinished: span.durationMs === undefined });
  });
  // Parents (longer) before children on equal starts, so each track is a valid stack.
  placed.sort((a, b) => a.ts - b.ts || b.dur - a.dur || (a.span.startSequenceNumber ?? 0) - (b.span.startSequenceNumber ?? 0));
  const { tids, tracks } = assignTracks(placed);

  const traceEvents: ChromeTraceEvent[] = [{ name: "process_name", ph: "M", pid, tid: 0, ts: 0, args: { name: processName } }];
  for (const track of tracks) {
    traceEvents.push(
      { name: "thread_name", ph: "M", pid, tid: track.tid, ts: 0, args: { name: track.name } },
      { name: "thread_sort_index", ph: "M", pid, tid: track.tid, ts: 0, args: { sort_index: track.tid } },
    );
  }
  placed.forEach((p, i) => {
    const { span } = p;
    const args: Record<string, JsonValue> = { id: span.id };
    if (span.startSequenceNumber !== undefined) args["startSequenceNumber"] = span.startSequenceNumber;
    if (span.finishSequenceNumber !== undefined && !p.unfinished) args["finishSequenceNumber"] = span.finishSequenceNumber;
    if (p.unfinished) args["unfinished"] = true;
    traceEvents.push({
      name: `${span.category} ${String(span.id)}${p.unfinished ? " (unfinished)" : ""}`,
      cat: span.category,
      ph: "X",
      pid,
      tid: tids[i] as number,
      ts: p.ts,
      dur: p.dur,
      args,
    });
  });

  return {
    traceEvents,
    displayTimeUnit: "ms",
    otherData: { source: "dashlog", clock, origin, processes, spans: placed.length, unfinished, droppedUnfinished, invalid },
  };
}

/**
 * Each span's start in ms after the earliest one. On the monotonic clock, spans that also
 * have a wall-clock start are aligned per process (see `alignClocks`), so the runs in one
 * file land where they happened; without wall-clock starts one process is assumed.
 */
function placeStarts(
  spans: readonly ParsedSpan[],
  clock: "monotonic" | "wall",
): { relative: number[]; origin: string | null; processes: number } {
  if (spans.length === 0) return { relative: [], origin: null, processes: 0 };
  const mono = (s: ParsedSpan): number => s.startMonotonic as number;
  if (clock === "wall") {
    let originMs = Number.POSITIVE_INFINITY;
    for (const s of spans) originMs = Math.min(originMs, s.startMs as number);
    return { relative: spans.map((s) => (s.startMs as number) - originMs), origin: new Date(originMs).toISOString(), processes: 1 };
  }
  if (!spans.every((s) => s.startMs !== undefined)) {
    const first = spans.reduce((a, b) => (mono(b) < mono(a) ? b : a));
    return {
      relative: spans.map((s) => mono(s) - mono(first)),
      origin: first.startMs === undefined ? null : new Date(first.startMs).toISOString(),
      processes: 1,
    };
  }
  const { anchors, groups } = alignClocks(spans.map((s) => ({ wallMs: s.startMs as number, monotonicMs: mono(s) })));
  const wall = (i: number): number => spans[i]?.startMs as number;
  const monoAt = (i: number): number => mono(spans[i] as ParsedSpan);
  // start(i) on the wall clock is wall(a) + mono(i) - mono(a), a = anchors[i]. Relative starts are
  // built from differences only: epoch-sized sums would cost sub-µs precision.
  const relativeTo = (i: number, o: number): number => {
    const a = anchors[i] as number;
    const b = anchors[o] as number;
    return wall(a) - wall(b) + (monoAt(i) - monoAt(a)) - (monoAt(o) - monoAt(b));
  };
  let o = 0;
  for (let i = 1; i < spans.length; i++) if (relativeTo(i, o) < 0) o = i;
  const relative = spans.map((_, i) => relativeTo(i, o));
  const originAnchor = anchors[o] as number;
  return { relative, origin: new Date(wall(originAnchor) + (monoAt(o) - monoAt(originAnchor))).toISOString(), processes: groups };
}
