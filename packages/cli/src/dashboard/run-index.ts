import { type JsonObject, type RunRecord, type StoredRecord, type WorkerPartState } from "@dashlog/core";
import type { ExperimentStore } from "../experiment-store.js";
import { MetadataCharts } from "../report/metadata-charts.js";
import type { ReportChart, ReportRun, ReportTimeline, RunOverview } from "../report/report-data.js";
import { recordsByWorker, toReportWorkers } from "../report/report-workers.js";
import { STREAM_CHART_ORDER, StreamCharts } from "../report/stream-charts.js";
import { LogIndex, YIELD_AFTER, yieldToRequests } from "./log-index.js";
import { MinMaxBuckets } from "./min-max-buckets.js";
import { NamedMetricCharts } from "./named-metric-charts.js";
import type { PositionedReader } from "./positioned-reader.js";
import { sequencePositionedReader } from "./sequence-positioned-reader.js";
import { SpanCollector } from "./span-collector.js";

/** Streams that hold spans, best first; `logs` is the last resort (default span messages). */
const SPAN_SOURCES = ["spans", "full", "core"];
/** Streams that are not measurements: event descriptions and identifiers. */
const NOT_CHARTED = new Set(["logs", "spans", "full", "core", "ids"]);

/** How long the first request for a run waits for its first full read before answering with what is counted. */
const FIRST_PASS_WAIT_MS = 300;
/** Records a zoomed chart reads at most: a range holding more is drawn as fine as a chart can show from the run's buckets. */
const MAX_DETAIL_RECORDS = 300_000;
/** Log records up to which a first visit waits (up to FIRST_PASS_WAIT_MS) for the read, so a small run never shows half-read. */
const SMALL_RUN = 50_000;
/** How often a stream that is counted but not drawn is counted again. */
const COUNT_EVERY_MS = 10_000;

interface StreamState {
  position: number;
  records: number;
  countedAt: number;
  readonly charts: StreamCharts | undefined;
}

/**
 * Everything the dashboard shows of one experiment, kept up to date by `update()`: the log
 * index, metadata and stream charts, spans, counts. Bounded memory: checkpoints of the log,
 * fixed-size chart buckets, at most MAX_SPANS spans; the records stay in the store.
 */
export class RunIndex {
  readonly prefix: string;
  readonly logs: LogIndex;
  readonly #store: ExperimentStore;
  /** Dotted keys, as `exp.params` (or ml-dash) stored them; null when the experiment has none. */
  #parameters: Readonly<Record<string, unknown>> | null = null;
  readonly #reader: PositionedReader;
  readonly #metadata = new MetadataCharts();
  /** Named metric series (`exp.metrics`, ml-dash's metrics/), charted like metadata. */
  readonly #metricCharts: NamedMetricCharts;
  readonly #streams = new Map<string, StreamState>();
  #spans: SpanCollector | undefined;
  #runs: readonly RunRecord[] = [];
  #unreadable = 0;
  #updating: Promise<number> | undefined;
  #firstPassDone = false;
  #version = 0;
  #chartsVersion = 0;
  readonly #countUnreadable: () => void;

  readonly #onLogRecord: ((record: StoredRecord, time: number) => void) | undefined;

  /** `onLog` sees every log record once, as the index takes it in (the report keeps rows with it). */
  constructor(store: ExperimentStore, prefix: string, options: { readonly onLog?: (record: StoredRecord, time: number) => void } = {}) {
    this.prefix = prefix;
    this.#onLogRecord = options.onLog;
    this.#store = store;
    this.#metricCharts = new NamedMetricCharts(store.metrics, prefix, { readsByWorker: store.indexedMetricReads === true });
    // Byte offsets for local files; sequence numbers for any other store (MongoDB answers them from its index).
    this.#reader = store.positioned ?? sequencePositionedReader(store.reader);
    const unreadable = () => {
      this.#unreadable++;
    };
    this.logs = new LogIndex(this.#reader, prefix, (record, time, ordinal) => this.#onLog(record, time, ordinal), unreadable);
    this.#countUnreadable = unreadable;
  }

  /**
   * What a request needs before it answers: newly appended log records counted and placed
   * (no parse, for local files), and a read of everything new started. The first read of a
   * large run goes on in the background, the page showing its counts and charts filling in;
   * later reads are small and awaited.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.#firstPassDone) this.#runs = await this.#store.runs(this.prefix);
    await this.logs.skim(signal);
    // A request arriving while the first read of a large run goes on answers from what is
    // counted at once: only the request that starts the read waits for it (briefly, below).
    if (this.#updating !== undefined && !this.#firstPassDone) return;
    const pass = this.update(signal);
    if (this.#firstPassDone || !this.logs.skims) {
      await pass;
      return;
    }
    // A large run answers with its counts at once: the wait below would only delay the first paint.
    if (this.logs.total > SMALL_RUN) {
      // A failed background read is tried again by the next request; it must not go unhandled.
      pass.catch(() => {});
      return;
    }
    // A small run is read by then, and its page never shows a half-read state.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([pass.catch(() => 0), new Promise((resolve) => (timer = setTimeout(resolve, FIRST_PASS_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /**
   * Reads whatever was appended to any stream since the last call; concurrent callers share
   * one pass. Resolves to the number of new records.
   */
  update(signal?: AbortSignal): Promise<number> {
    this.#updating ??= this.#update(signal).finally(() => {
      this.#updating = undefined;
      this.#firstPassDone = true;
    });
    return this.#updating;
  }

  async #update(signal?: AbortSignal): Promise<number> {
    const [runs, names, params] = await Promise.all([
      this.#store.runs(this.prefix),
      this.#store.listStreams(this.prefix),
      this.#store.metrics.readParams(this.prefix),
    ]);
    this.#runs = runs;
    this.#parameters = params?.data ?? null;
    if (this.#spans === undefined) {
      const source = SPAN_SOURCES.find((s) => names.includes(s)) ?? (names.includes("logs") ? "logs" : undefined);
      if (source !== undefined) this.#spans = new SpanCollector(source);
    }
    let added = names.includes("logs") ? await this.logs.update(signal) : 0;
    const metricPoints = await this.#metricCharts.update(signal);
    if (metricPoints.charted > 0) this.#chartsVersion++;
    added += metricPoints.read;
    for (const name of names) {
      if (name === "logs") continue;
      let state = this.#streams.get(name);
      if (state === undefined) {
        state = { position: 0, records: 0, countedAt: Number.NEGATIVE_INFINITY, charts: NOT_CHARTED.has(name) ? undefined : new StreamCharts(name) };
        this.#streams.set(name, state);
      }
      const spans = this.#spans?.source === name ? this.#spans : undefined;
      if (state.charts === undefined && spans === undefined) {
        // Counted, not read: nothing of it is drawn, and the count of a big event stream is a whole-file scan,
        // so it is refreshed at most every COUNT_EVERY_MS.
        if (Date.now() - state.countedAt >= COUNT_EVERY_MS) {
          // In the background: a live update must not wait for a scan of a big event stream.
          const counted = state;
          counted.countedAt = Date.now();
          this.#store.countRecords(this.prefix, name).then(
            (n) => {
              counted.records = n;
            },
            () => {},
          );
        }
        continue;
      }
      for await (const batch of this.#reader.readFrom(this.prefix, name, state.position, { signal, onUnreadable: this.#countUnreadable })) {
        // Let requests in between batches: a first read of millions of records takes seconds.
        if (batch.length >= YIELD_AFTER) await yieldToRequests();
        for (const { record, start, end } of batch) {
          state.position = end;
          state.records++;
          added++;
          const time = recordTime(record) ?? this.logs.timeOfSequence(record.sequenceNumber, workerOf(record));
          if (state.charts !== undefined) {
            state.charts.add(record, time, start, end);
            this.#chartsVersion++;
          }
          spans?.add(record, time);
        }
      }
    }
    if (added > 0) this.#version++;
    return added;
  }

  /** Goes up whenever a read took in records: what was computed from the index before is stale. */
  get version(): number {
    return this.#version;
  }

  /** Go up only when the charts, or the timeline, would come out different: pages refetch those then, not on every record. */
  get chartsVersion(): string {
    return String(this.#chartsVersion);
  }
  get timelineVersion(): string {
    // Unfinished spans are drawn up to the last record, so while any is open every record moves them.
    const spans = this.#spans;
    return spans === undefined ? "none" : `${spans.version}:${spans.openCount > 0 ? this.#version : 0}`;
  }

  overview(): RunOverview {
    const records = recordsByWorker(this.#runs, this.logs.workers);
    const runs = this.#runs.map((r) => toReportRun(r, records));
    const streams = [{ name: "logs", records: this.logs.total }, ...[...this.#streams].map(([name, s]) => ({ name, records: s.records }))].filter(
      (s) => s.name !== "logs" || this.logs.total > 0 || this.#streams.size === 0,
    );
    return {
      prefix: this.prefix,
      status: runs.at(-1)?.status ?? "UNKNOWN",
      runs,
      summary: {
        records: this.logs.total,
        parsed: this.logs.parsed,
        levels: { ...this.logs.levels },
        firstTime: this.logs.firstTime,
        lastTime: this.logs.lastTime,
        streams,
        unreadable: this.#unreadable,
        workers: [...this.logs.workers].map(([worker, records]) => ({ worker, records })),
      },
      parameters: this.#parameters,
    };
  }

  charts(): ReportChart[] {
    const streamCharts: ReportChart[] = [];
    for (const state of this.#streams.values()) if (state.charts !== undefined) streamCharts.push(...state.charts.charts());
    const rank = (c: ReportChart) => {
      const i = STREAM_CHART_ORDER.indexOf(c.title);
      return i < 0 ? STREAM_CHART_ORDER.length : i;
    };
    streamCharts.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title));
    return [...this.#metadata.charts(), ...this.#metricCharts.charts(), ...streamCharts];
  }

  /**
   * Chart `id` with only the x range `from` to `to`, at full resolution up to the bucket
   * budget: the records behind that range are read again (and only those: the charts' buckets
   * remember where their points came from: positions in a stream, indices in a metric) into
   * buckets of that range alone. Undefined when the chart has nothing there, or the range holds
   * more than MAX_DETAIL_RECORDS records (its buckets are then as fine as a chart shows).
   */
  async chartDetail(id: string, from: number, to: number, signal?: AbortSignal): Promise<ReportChart | undefined> {
    const chart = this.charts().find((c) => c.id === id);
    if (chart === undefined || !(to > from)) return undefined;
    const within = () => MinMaxBuckets.within(from, to);
    if (chart.kind === "metadata" && id.startsWith("metadata-")) {
      let start = Number.POSITIVE_INFINITY;
      let end = Number.NEGATIVE_INFINITY;
      for (const s of chart.series) {
        const r = this.#metadata.positionsIn(chart.xName, s.name, from, to);
        if (r === undefined) continue;
        start = Math.min(start, r.start);
        end = Math.max(end, r.end);
      }
      if (!(start < end) || end - start > MAX_DETAIL_RECORDS) return undefined;
      const detail = new MetadataCharts("metadata", within);
      for await (const batch of this.logs.records(start, end, signal)) {
        for (const record of batch) detail.add(recordTimeOr(record, this.logs), record["metadata"] as JsonObject | null | undefined, Number.NaN, Number.NaN, workerOf(record));
      }
      return detail.pointsFor(chart);
    }
    if (chart.kind === "metadata" && id.startsWith("metrics-")) return this.#metricCharts.detail(chart, from, to, signal);
    if (chart.kind === "stream") {
      for (const [name, state] of this.#streams) {
        if (state.charts === undefined || !state.charts.charts().some((c) => c.id === id)) continue;
        const r = state.charts.positionsIn(from, to);
        if (r === undefined) return undefined;
        const detail = new StreamCharts(name, within);
        let read = 0;
        for await (const batch of this.#reader.readFrom(this.prefix, name, r.start, { signal })) {
          for (const { record, start } of batch) {
            if (start >= r.end || ++read > MAX_DETAIL_RECORDS) return sameSeries(chart, detail.charts().find((c) => c.id === id));
            detail.add(record, recordTime(record) ?? this.logs.timeOfSequence(record.sequenceNumber, workerOf(record)));
          }
          if (batch.length >= YIELD_AFTER) await yieldToRequests();
        }
        return sameSeries(chart, detail.charts().find((c) => c.id === id));
      }
    }
    return undefined;
  }

  timeline(): ReportTimeline {
    return this.#spans?.timeline(this.logs.lastTime) ?? { source: null, lanes: [], spans: [], omitted: 0 };
  }

  #onLog(record: StoredRecord, time: number, ordinal: number): void {
    if (this.#metadata.add(time, record["metadata"] as JsonObject | null | undefined, ordinal, ordinal + 1, workerOf(record))) this.#chartsVersion++;
    const level = record["level"];
    if (level === "error" || level === "fatal") this.#spans?.noteError(record.sequenceNumber);
    if (this.#spans?.source === "logs") this.#spans.add(record, time);
    this.#onLogRecord?.(record, time);
  }
}

/** The worker of a joined run's record; undefined for a record of a run of its own. */
function workerOf(record: StoredRecord): string | undefined {
  const worker = record["worker"];
  return typeof worker === "string" ? worker : undefined;
}

function recordTimeOr(record: StoredRecord, logs: LogIndex): number {
  return recordTime(record) ?? logs.lastTime ?? 0;
}

/** The zoomed chart with the series of the whole one, in its order (a series with no point in the range has none). */
function sameSeries(whole: ReportChart, zoomed: ReportChart | undefined): ReportChart {
  const byName = new Map((zoomed?.series ?? []).map((s) => [s.name, s.points]));
  return { ...whole, series: whole.series.map((s) => ({ name: s.name, points: byName.get(s.name) ?? [] })) };
}

function recordTime(record: StoredRecord): number | undefined {
  const t = record["timestamp"];
  if (typeof t !== "string") return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A reader that knows when a run's writer is gone says so in `effectiveStatus`; the page shows that, not the stored RUNNING. */
function toReportRun(
  r: RunRecord & { readonly effectiveStatus?: string; readonly crashReason?: string; readonly workers?: readonly WorkerPartState[] },
  records: ReadonlyMap<string, number | null>,
): ReportRun {
  return {
    runId: r.runId,
    status: typeof r.effectiveStatus === "string" ? r.effectiveStatus : r.status,
    crashReason: typeof r.crashReason === "string" ? r.crashReason : null,
    startedAt: r.startedAt,
    endedAt: r.endedAt ?? null,
    firstSequenceNumber: r.firstSequenceNumber,
    nextSequenceNumber: r.nextSequenceNumber ?? null,
    error: r.error ?? null,
    hostname: r.hostname ?? null,
    pid: r.pid ?? null,
    ...(r.workers === undefined ? {} : { workers: toReportWorkers(r.workers, records) }),
  };
}
