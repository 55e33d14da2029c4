import type { LogPage, LogQuery, ReportData, ReportLogRow } from "../src/report/report-data.js";
import type { RunSource } from "./run-source.js";

/** A report file's embedded data, answered in the page: filtering runs over the rows it holds. */
export function staticSource(data: ReportData): RunSource {
  // Stored oldest first; the table shows newest first.
  const newestFirst = [...data.logs.rows].reverse();
  return {
    live: false,
    omittedRows: data.logs.omitted,
    overview: () => Promise.resolve(data.overview),
    charts: () => Promise.resolve(data.charts),
    timeline: () => Promise.resolve(data.timeline),
    logRange(first, count): Promise<LogPage> {
      return Promise.resolve({ rows: data.logs.rows.slice(first, first + count), total: data.logs.rows.length, next: null });
    },
    logSearch(query, cursor, limit): Promise<LogPage> {
      const from = cursor === null ? 0 : Number(cursor);
      const rows: ReportLogRow[] = [];
      let i = from;
      for (; i < newestFirst.length && rows.length < limit; i++) {
        const row = newestFirst[i] as ReportLogRow;
        if (matches(row, query)) rows.push(row);
      }
      return Promise.resolve({ rows, total: newestFirst.length, next: i < newestFirst.length ? String(i) : null });
    },
    subscribe: () => () => {},
  };
}

function matches(row: ReportLogRow, query: LogQuery): boolean {
  if (query.levels !== undefined && !query.levels.includes(row[2])) return false;
  if (query.workers !== undefined && (row[5] === undefined || !query.workers.includes(row[5]))) return false;
  if (query.since !== undefined && row[1] < query.since) return false;
  if (query.until !== undefined && row[1] > query.until) return false;
  if (query.text !== undefined && query.text !== "") {
    const text = query.text.toLowerCase();
    if (!row[3].toLowerCase().includes(text) && !(row[4] ?? "").toLowerCase().includes(text)) return false;
  }
  return true;
}
