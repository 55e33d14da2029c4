import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { escapeHtml, inlineScript, scriptJson } from "./script-json.js";

// dist/report/page-shell.js -> dist/web, where build-web.mjs puts the bundle.
const WEB = join(dirname(fileURLToPath(import.meta.url)), "..", "web");

export interface PageAssets {
  readonly script: string;
  readonly style: string;
}

let assets: Promise<PageAssets> | undefined;

/** The bundled front-end, read once per process. */
export function loadPageAssets(): Promise<PageAssets> {
  assets ??= Promise.all([
    readFile(join(WEB, "dashboard.js"), "utf8"),
    import(pathToFileURL(join(WEB, "dashboard-style.js")).href) as Promise<{ DASHBOARD_STYLE: string }>,
  ]).then(([script, { DASHBOARD_STYLE }]) => ({
    script: inlineScript(script),
    style: DASHBOARD_STYLE.replace(/<\/(style)/gi, "<\\/$1"),
  }));
  return assets;
}

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

export interface PageShellOptions {
  readonly title: string;
  /** What the bundle reads first: `{ mode: "report" }` or the served view and token. */
  readonly config: unknown;
  /** A report's data, embedded; none for a served page, which asks its server. */
  readonly data?: unknown;
  /** `'self'` lets a served page call its own server; a report file may call nothing. */
  readonly connect: "'none'" | "'self'";
}

/**
 * The one HTML page both `dashlog report` and `dashlog serve` send: the front-end bundle and
 * its style inline, so nothing is fetched from anywhere. The Content-Security-Policy allows
 * exactly this script (by hash) and, for a served page, requests to its own server only, so
 * even text that slipped past the escaping could not run code or send anything elsewhere.
 */
export async function renderPageShell(options: PageShellOptions): Promise<string> {
  const { script, style } = await loadPageAssets();
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    // uPlot positions its cursor and legend with inline styles.
    "style-src 'unsafe-inline'",
    "img-src data: blob:",
    `connect-src ${options.connect}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const data = options.data === undefined ? "" : `<script type="application/json" id="dashlog-data">${scriptJson(options.data)}</script>\n`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<style>${style}</style>
</head>
<body>
<noscript><p class="noscript">This page draws its charts and tables with JavaScript; please open it in a browser with JavaScript enabled.</p></noscript>
<main id="app"></main>
<script type="application/json" id="dashlog-config">${scriptJson(options.config)}</script>
${data}<script>${script}</script>
</body>
</html>
`;
}
