import type { ExperimentStore } from "../experiment-store.js";
import { RunIndex } from "../dashboard/run-index.js";
import { toRow } from "../dashboard/log-index.js";
import { VERSION } from "../version.js";
import { LogRows } from "./log-rows.js";
import type { ReportData } from "./report-data.js";

export interface CollectReportOptions {
  /** Log rows kept in the page (warnings and errors first). */
  readonly maxRows: number;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads an experiment into the data the report page draws: the same index `dashlog serve`
 * keeps (so charts, spans and counts are computed by one piece of code), plus the log rows
 * the page embeds.
 */
export async function collectReport(store: ExperimentStore, prefix: string, options: CollectReportOptions): Promise<ReportData> {
  const rows = new LogRows(options.maxRows);
  const index = new RunIndex(store, prefix, { onLog: (record, time) => rows.add(toRow(record, time)) });
  await index.update(options.signal);
  return {
    generatedAt: new Date().toISOString(),
    version: VERSION,
    overview: index.overview(),
    timeline: index.timeline(),
    charts: index.charts(),
    logs: rows.result(),
  };
}
