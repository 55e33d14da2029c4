import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReportData } from "./report-data.js";
import { REPORT_STYLE } from "./report-style.js";
import { escapeHtml, inlineScript, scriptJson } from "./script-json.js";

const require = createRequire(import.meta.url);
// src/report/assets in development, dist/report/assets once built (copy-assets.mjs).
const ASSETS = join(dirname(fileURLToPath(import.meta.url)), "assets");

/** The page's own script and Apache ECharts' minified build. */
async function loadAssets(): Promise<{ echarts: string; script: string; style: string }> {
  const echartsFile = join(dirname(require.resolve("echarts")), "echarts.min.js");
  const [echarts, script] = await Promise.all([readFile(echartsFile, "utf8"), readFile(join(ASSETS, "report.js"), "utf8")]);
  return { echarts, script, style: REPORT_STYLE };
}

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * One self-contained HTML file: data, charting library, script and style all inline, so it
 * opens from disk or an e-mail attachment with no network. A Content-Security-Policy allows
 * exactly these scripts (by hash) and no network at all, so even a log message that slipped
 * past the escaping could not run code or send anything anywhere.
 */
export async function renderReportHtml(data: ReportData): Promise<string> {
  const assets = await loadAssets();
  const scripts = [inlineScript(assets.echarts), inlineScript(assets.script)];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(" ")}`,
    // ECharts positions its tooltip with inline styles.
    "style-src 'unsafe-inline'",
    "img-src data: blob:",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const title = `${data.prefix} · dashlog report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dashlog ${escapeHtml(data.version)}">
<title>${escapeHtml(title)}</title>
<style>${assets.style.replace(/<\/(style)/gi, "<\\/$1")}</style>
</head>
<body>
<noscript><p class="noscript">This report draws its charts and tables with JavaScript; please open it in a browser with JavaScript enabled.</p></noscript>
<main id="app" data-prefix="${escapeHtml(data.prefix)}"></main>
<script type="application/json" id="dashlog-data">${scriptJson(data)}</script>
<script>${scripts[0]}</script>
<script>${scripts[1]}</script>
</body>
</html>
`;
}
