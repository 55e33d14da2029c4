import type { CliIo } from "./cli-io.js";
import { writeOut } from "./cli-io.js";
import type { ExperimentStore } from "./experiment-store.js";
import { metricReadOptions, type Source } from "./metric-options.js";
import { metricPointFormatter, metricPointJson } from "./metric-output.js";
import { readIssuePrinter } from "./read-issue-printer.js";
import { NotFoundError } from "./store-options.js";
import { UsageError } from "./usage-error.js";

export interface MetricTailOptions {
  readonly n: number;
  readonly follow: boolean;
  readonly json: boolean;
  readonly color: boolean;
  readonly since: number | undefined;
  readonly until: number | undefined;
}

/** `dashlog tail PREFIX --metric NAME` and `--track NAME`. */
export async function tailMetricOrTrack(store: ExperimentStore, prefix: string, source: Exclude<Source, { kind: "stream" }>, options: MetricTailOptions, io: CliIo): Promise<number> {
  if (source.kind === "track") {
    if (options.follow) throw new UsageError("--follow does not apply to --track (tracks are read-only)", "tail");
    const tracks = store.tracks;
    if (tracks === undefined) throw new UsageError("--track reads ml-dash tracks of a local tree; this store has none", "tail");
    if (!(await tracks.listTracks(prefix)).some((t) => t.name === source.name)) throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no track ${JSON.stringify(source.name)}`);
    const rows: Record<string, unknown>[] = [];
    for await (const row of tracks.readTrack(prefix, source.name, { signal: io.signal })) {
      rows.push(row);
      if (rows.length > options.n) rows.shift();
    }
    await writeOut(io.stdout, rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
    return 0;
  }
  const read = metricReadOptions(source, { since: options.since, until: options.until, signal: io.signal, onIssue: readIssuePrinter(io, `metric ${source.name}`) });
  if (!options.follow) {
    if (!(await store.metrics.listMetrics(prefix)).some((m) => m.name === source.name)) {
      throw new NotFoundError(`experiment ${JSON.stringify(prefix)} has no metric ${JSON.stringify(source.name)}`);
    }
    const points = await store.metrics.tailMetric(prefix, source.name, options.n, read);
    const format = options.json ? metricPointJson : metricPointFormatter(options.color, Math.max(4, String(points.at(-1)?.index ?? 0).length));
    await writeOut(io.stdout, points.map((p) => `${format(p)}\n`).join(""));
    return 0;
  }
  const format = options.json ? metricPointJson : metricPointFormatter(options.color);
  for await (const point of store.metrics.followMetric(prefix, source.name, { ...read, tail: options.n })) {
    await writeOut(io.stdout, `${format(point)}\n`);
  }
  return 0;
}
