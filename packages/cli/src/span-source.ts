import type { ReadIssue, StoredRecord } from "@dashlog/core";
import { spansFromEvents, type TraceSpan } from "@dashlog/events";
import type { ExperimentStore } from "./experiment-store.js";

/** Streams that hold spans, best first: `spanDurations()` records, then start/finish events to pair. */
export const SPAN_STREAMS = ["spans", "full", "core"] as const;

export interface SpanSource {
  readonly stream: string;
  readonly spans: TraceSpan[];
}

/**
 * The spans of an experiment: the records of `stream` when given, else of the first of
 * SPAN_STREAMS that exists. Start/finish event streams (`core`, `full`) are paired with
 * `spansFromEvents`, which also finds spans that never finished. Undefined when there is none.
 */
export async function readSpans(
  store: ExperimentStore,
  prefix: string,
  options: {
    readonly stream?: string | undefined;
    readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<SpanSource | undefined> {
  const streams = await store.listStreams(prefix);
  const stream = options.stream ?? SPAN_STREAMS.find((s) => streams.includes(s));
  if (stream === undefined || !streams.includes(stream)) return undefined;
  const records: StoredRecord[] = [];
  for await (const record of store.reader.read(prefix, { stream, onIssue: options.onIssue, signal: options.signal })) records.push(record);
  const isEventStream = records.some((r) => r["kind"] === "start" || r["kind"] === "finish");
  if (!isEventStream) return { stream, spans: records as unknown as TraceSpan[] };
  return { stream, spans: spansFromEvents(records, { onInvalid: () => {} }).spans };
}
