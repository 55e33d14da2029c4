import { renderPageShell } from "./page-shell.js";
import type { ReportData } from "./report-data.js";

/**
 * One self-contained HTML file: the data and the dashboard's front-end (the same bundle
 * `dashlog serve` sends) inline, so it opens from disk or an e-mail attachment with no network.
 */
export function renderReportHtml(data: ReportData): Promise<string> {
  return renderPageShell({ title: `${data.overview.prefix} · dashlog report`, config: { mode: "report" }, data, connect: "'none'" });
}
