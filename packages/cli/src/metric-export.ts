import type { JsonValue, MetricPoint } from "@dashlog/core";
import { writeOut, type CliIo } from "./cli-io.js";
import { csvRow } from "./csv.js";
import type { ExperimentStore } from "./experiment-store.js";
import { metricReadOptions, type Source } from "./metric-options.js";
import { metricPointJson } from "./metric-output.js";
import { readIssuePrinter } from "./read-issue-printer.js";
import { NotFoundError } from "./store-options.js";
import { UsageError } from "./usage-error.js";

/**
 * `dashlog export PREFIX --metric NAME` (or `--track NAME`): JSON Lines as ml-dash stores the
 * points (`{"index","data","createdAt"}`), or CSV with `index`, `createdAt` and one column per
 * data field (a track: one column per field of its rows).
 */
export async function exportMetricOrTrack(
  store: ExperimentStore,
  prefix: string,
  source: Exclude<Source, { kind: "stream" }>,
  format: "jsonl" | "csv",
  bounds: { readonly since: number | undefined; readonly until: number | undefined },
  io: CliIo,
  out: CliIo["stdout"],
): Promise<void> {
  let rows: () => AsyncIterable<Record<string, JsonValue>>;
  if (source.kind === "metric") {
    if (!(await store.metrics.listMetrics(prefix)).some((m) => m.name === source.name)) {
      throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no metric ${JSON.stringify(source.name)}`);
    }
    const options = metricReadOptions(source, { ...bounds, signal: io.signal, onIssue: readIssuePrinter(io, `metric ${source.name}`) });
    if (format === "jsonl") {
      await writeLines(store.metrics.readMetric(prefix, source.name, options), (point) => `${metricPointJson(point)}\n`, io, out);
      return;
    }
    rows = () => flatPoints(store.metrics.readMetric(prefix, source.name, options));
  } else {
    const tracks = store.tracks;
    if (tracks === undefined) throw new UsageError("--track reads ml-dash tracks of a local tree; this store has none", "export");
    if (bounds.since !== undefined || bounds.until !== undefined) throw new UsageError("--since and --until do not apply to --track", "export");
    if (!(await tracks.listTracks(prefix)).some((t) => t.name === source.name)) throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no track ${JSON.stringify(source.name)}`);
    rows = () => tracks.readTrack(prefix, source.name, { signal: io.signal }) as AsyncIterable<Record<string, JsonValue>>;
    if (format === "jsonl") {
      await writeLines(rows(), (row) => `${JSON.stringify(row)}\n`, io, out);
      return;
    }
  }
  // Two passes: the header needs every field before the first row.
  const columns = new Set<string>(source.kind === "metric" ? ["index", "createdAt"] : []);
  for await (const row of rows()) for (const key of Object.keys(row)) columns.add(key);
  const header = [...columns];
  await writeLines(rows(), (row) => csvRow(header.map((c) => row[c])), io, out, csvRow(header));
}

async function* flatPoints(points: AsyncIterable<MetricPoint>): AsyncGenerator<Record<string, JsonValue>> {
  for await (const point of points) {
    const row: Record<string, JsonValue> = { index: point.index, createdAt: point.createdAt };
    if (point.worker !== undefined) row["worker"] = point.worker;
    for (const [key, value] of Object.entries(point.data)) {
      // A data field named index or createdAt keeps a prefix rather than overwrite the point's own.
      const name = key === "index" || key === "createdAt" || key === "worker" ? `data.${key}` : key;
      Object.defineProperty(row, name, { value, enumerable: true, writable: true, configurable: true });
    }
    yield row;
  }
}

/** Writes `header`, then `line(item)` (terminator included) for each item, 64 KiB at a time. */
async function writeLines<T>(items: AsyncIterable<T>, line: (item: T) => string, io: CliIo, out: CliIo["stdout"], header = ""): Promise<void> {
  let buffer = header;
  for await (const item of items) {
    buffer += line(item);
    if (buffer.length >= 64 * 1024) {
      await writeOut(out, buffer);
      buffer = "";
    }
  }
  await writeOut(out, buffer);
  // A read stops quietly on Ctrl-C; a partial export must not be committed as if complete.
  io.signal.throwIfAborted();
}
