import { LEVELS, type Level, type LogRecord, type ReadIssue, type StoredRecord } from "@dashlog/core";
import type { TraceSpan } from "@dashlog/events";
import type { ExperimentStore } from "../experiment-store.js";
import { SPAN_STREAMS, readSpans } from "../span-source.js";
import { VERSION } from "../version.js";
import { LogRows } from "./log-rows.js";
import { MetadataCharts } from "./metadata-charts.js";
import type { ReportChart, ReportData, ReportRun, ReportSpan, ReportTimeline } from "./report-data.js";
import { assignLanes } from "./span-lanes.js";
import { STREAM_CHART_ORDER, streamChart } from "./stream-charts.js";

/** Spans drawn at most; a timeline of more is a blur, and the longest say the most. */
const MAX_SPANS = 5_000;

/** Streams that are not measurements: event descriptions and identifiers. */
const NOT_CHARTED = new Set<string>(["logs", ...SPAN_STREAMS, "ids"]);

export interface CollectReportOptions {
  /** Log rows kept in the page (warnings and errors first). */
  readonly maxRows: number;
  readonly onIssue?: ((stream: string, issue: ReadIssue) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called after each stream is read, for a progress bar. */
  readonly onStream?: ((stream: string) => void) | undefined;
}

/** Reads an experiment's runs and streams into the data the report page draws. */
export async function collectReport(store: ExperimentStore, prefix: string, options: CollectReportOptions): Promise<ReportData> {
  let unreadable = 0;
  const issues = (stream: string) => (issue: ReadIssue) => {
    unreadable++;
    options.onIssue?.(stream, issue);
  };
  const [runRecords, streamNames] = await Promise.all([store.runs(prefix), store.listStreams(prefix)]);
  const streams: { name: string; records: number }[] = [];
  for (const name of streamNames) streams.push({ name, records: await store.countRecords(prefix, name) });

  // Other streams carry no time; the logs stream has one record per event, so it dates them.
  const times = new SequenceTimes();
  const levels = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  const errorSequences = new Set<number>();
  const rows = new LogRows(options.maxRows);
  const metadata = new MetadataCharts();
  let firstTime: number | null = null;
  let lastTime: number | null = null;
  let records = 0;
  if (streamNames.includes("logs")) {
    for await (const stored of store.reader.read(prefix, { stream: "logs", onIssue: issues("logs"), signal: options.signal })) {
      const record = stored as unknown as LogRecord;
      const time = Date.parse(record.timestamp);
      records++;
      levels[record.level]++;
      if (record.level === "error" || record.level === "fatal") errorSequences.add(record.sequenceNumber);
      times.set(record.sequenceNumber, time);
      firstTime = firstTime === null ? time : Math.min(firstTime, time);
      lastTime = lastTime === null ? time : Math.max(lastTime, time);
      rows.add(record, time);
      metadata.add(time, record.metadata);
    }
    options.onStream?.("logs");
  }

  const timeOf = (record: StoredRecord): number | undefined => {
    const own = record["timestamp"];
    if (typeof own === "string") {
      const t = Date.parse(own);
      if (!Number.isNaN(t)) return t;
    }
    return times.get(record.sequenceNumber);
  };
  const charts: ReportChart[] = [];
  for (const name of streamNames) {
    if (NOT_CHARTED.has(name)) continue;
    const chart = await streamChart(name, store.reader.read(prefix, { stream: name, onIssue: issues(name), signal: options.signal }), timeOf);
    if (chart !== undefined) charts.push(chart);
    options.onStream?.(name);
  }
  const rank = (c: ReportChart) => {
    const i = STREAM_CHART_ORDER.indexOf(c.title);
    return i < 0 ? STREAM_CHART_ORDER.length : i;
  };
  charts.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title));
  charts.unshift(...metadata.charts());

  const source = await readSpans(store, prefix, { onIssue: issues("spans"), signal: options.signal });
  const timeline = buildTimeline(source?.stream ?? null, source?.spans ?? [], lastTime, errorSequences);

  const runs = runRecords.map(
    (r): ReportRun => ({
      runId: r.runId,
      status: r.status,
      startedAt: r.startedAt,
      endedAt: r.endedAt ?? null,
      firstSequenceNumber: r.firstSequenceNumber,
      nextSequenceNumber: r.nextSequenceNumber ?? null,
      error: r.error ?? null,
      hostname: r.hostname ?? null,
      pid: r.pid ?? null,
    }),
  );
  const logs = rows.result();
  return {
    prefix,
    generatedAt: new Date().toISOString(),
    version: VERSION,
    status: runs.at(-1)?.status ?? "UNKNOWN",
    runs,
    summary: { records, levels, firstTime, lastTime, streams, unreadable },
    timeline,
    charts,
    logs,
  };
}

function buildTimeline(source: string | null, spans: readonly TraceSpan[], lastTime: number | null, errorSequences: ReadonlySet<number>): ReportTimeline {
  const placed: Omit<ReportSpan, "lane">[] = [];
  for (const span of spans) {
    const start = typeof span.start === "string" ? Date.parse(span.start) : span.start;
    if (start === undefined || !Number.isFinite(start) || typeof span.category !== "string") continue;
    const unfinished = typeof span.durationMs !== "number";
    const end = unfinished ? Math.max(start, lastTime ?? start) : start + (span.durationMs as number);
    placed.push({
      category: span.category,
      id: String(span.id),
      start,
      end,
      durationMs: end - start,
      unfinished,
      failed: span.sequenceNumber !== undefined && errorSequences.has(span.sequenceNumber),
    });
  }
  let kept = placed;
  if (placed.length > MAX_SPANS) kept = [...placed].sort((a, b) => b.durationMs - a.durationMs).slice(0, MAX_SPANS);
  const { lanes, laneOf } = assignLanes(kept);
  return {
    source,
    lanes,
    spans: kept.map((s, i) => ({ ...s, lane: laneOf[i] as number })),
    omitted: placed.length - kept.length,
  };
}

/** Epoch ms per sequence number, in a typed array that grows: 8 bytes per event. */
class SequenceTimes {
  /** Beyond this, a typed array indexed by sequence number would cost more than it saves. */
  static readonly #DENSE_LIMIT = 1 << 26;
  #times = new Float64Array(1024).fill(Number.NaN);
  readonly #sparse = new Map<number, number>();

  set(sequence: number, time: number): void {
    if (sequence >= SequenceTimes.#DENSE_LIMIT) {
      this.#sparse.set(sequence, time);
      return;
    }
    if (sequence >= this.#times.length) {
      let size = this.#times.length;
      while (size <= sequence) size *= 2;
      const grown = new Float64Array(size).fill(Number.NaN);
      grown.set(this.#times);
      this.#times = grown;
    }
    this.#times[sequence] = time;
  }

  get(sequence: number): number | undefined {
    if (sequence >= SequenceTimes.#DENSE_LIMIT) return this.#sparse.get(sequence);
    const time = this.#times[sequence];
    return time === undefined || Number.isNaN(time) ? undefined : time;
  }
}
