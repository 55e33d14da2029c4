/**
 * The report page's style sheet. It lives in a module, not a .css file, so the build ships it
 * as ordinary output and it is inlined into each report with the page's script.
 */
export const REPORT_STYLE = `:root {
  --bg: #f4f6f9;
  --panel: #ffffff;
  --ink: #1f2733;
  --muted: #677285;
  --line: #e3e7ee;
  --debug: #8a94a6;
  --info: #1f8f5f;
  --warn: #c27c0e;
  --error: #d23f3f;
  --fatal: #9b1c8a;
  --accent: #4f6bed;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px;
  color: var(--ink);
  background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
main { max-width: 1320px; margin: 0 auto; padding: 28px 28px 40px; }
.mono, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.noscript { padding: 2em; text-align: center; }

header.top { margin-bottom: 20px; }
h1.prefix { margin: 0 0 8px; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
h1.prefix .seg { color: var(--muted); font-weight: 500; }
h1.prefix .sep { color: #b3bac6; margin: 0 6px; font-weight: 400; }
.headline { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; color: var(--muted); }
.status { display: inline-block; padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: 0.04em; color: #fff; background: var(--debug); }
.status.small { padding: 1px 8px; font-size: 11px; }
.status-completed { background: var(--info); }
.status-failed { background: var(--error); }
.status-running { background: var(--accent); }
.run-error { margin: 10px 0 0; padding: 8px 12px; border-left: 4px solid var(--error); background: #fdf0f0; color: #8a1f1f; border-radius: 4px; }

.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 14px; margin-bottom: 18px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(20, 30, 50, 0.04); }
.card-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; font-weight: 600; }
.card-value { font-size: 26px; font-weight: 650; margin: 4px 0 6px; font-variant-numeric: tabular-nums; }
.card.bad .card-value { color: var(--error); }
.card.good .card-value { color: var(--info); }
.card-detail { color: var(--muted); font-size: 12.5px; line-height: 1.45; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { font-size: 12px; padding: 1px 8px; border-radius: 999px; background: #f0f2f6; color: var(--muted); }
.chip b { font-variant-numeric: tabular-nums; }
.chip.lvl-info b { color: var(--info); }
.chip.lvl-warn b { color: var(--warn); }
.chip.lvl-error b { color: var(--error); }
.chip.lvl-fatal b { color: var(--fatal); }

.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px 18px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(20, 30, 50, 0.04); }
.panel h2 { margin: 0 0 12px; font-size: 16px; font-weight: 650; }
.empty, .note { color: var(--muted); margin: 4px 0 10px; }
.note { font-size: 12.5px; }

.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure.chart-card { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 6px; }
#timeline figure.chart-card { border: none; padding: 0; }
figcaption { display: flex; align-items: baseline; gap: 10px; margin-bottom: 6px; }
.chart-title { font-weight: 650; }
.chart-sub { color: var(--muted); font-size: 12px; }
.chart { width: 100%; }

table.grid { width: 100%; border-collapse: collapse; }
table.grid th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.05em; padding: 8px 10px; border-bottom: 1px solid var(--line); background: #fafbfc; position: sticky; top: 0; z-index: 1; }
table.grid td { padding: 6px 10px; border-bottom: 1px solid #f0f2f5; vertical-align: top; }
table.grid tbody tr:hover { background: #f7f9fc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.err { color: var(--error); }

.toolbar { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; margin-bottom: 10px; }
.level-filters { display: flex; gap: 6px; flex-wrap: wrap; }
.level-toggle { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 4px 10px; font: inherit; font-size: 12.5px; cursor: pointer; color: var(--ink); }
.level-toggle .dot { width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.level-toggle .count { color: var(--muted); font-variant-numeric: tabular-nums; }
.level-toggle.lvl-debug .dot { background: var(--debug); }
.level-toggle.lvl-info .dot { background: var(--info); }
.level-toggle.lvl-warn .dot { background: var(--warn); }
.level-toggle.lvl-error .dot { background: var(--error); }
.level-toggle.lvl-fatal .dot { background: var(--fatal); }
.level-toggle[aria-pressed="false"] { opacity: 0.45; text-decoration: line-through; background: #f4f5f7; }
.level-toggle:focus-visible, .search:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.search { flex: 1 1 240px; max-width: 380px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.shown { color: var(--muted); font-size: 12.5px; margin-left: auto; }

.table-wrap { max-height: 640px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.log-table td.time { white-space: nowrap; color: var(--muted); }
.log-table td.seq { color: #98a1b0; width: 1%; }
.log-table td.level { width: 1%; }
.log-table td.msg { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 240px; }
.log-table td.meta { color: #4a5566; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 460px; }
.log-table td.meta.long { max-height: 4.6em; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; cursor: zoom-in; }
.log-table td.meta.long.open { display: table-cell; max-height: none; -webkit-line-clamp: unset; cursor: zoom-out; }
.badge { display: inline-block; min-width: 46px; text-align: center; padding: 1px 6px; border-radius: 4px; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; }
.badge.lvl-debug { background: #eef0f4; color: var(--debug); }
.badge.lvl-info { background: #e4f4ec; color: var(--info); }
.badge.lvl-warn { background: #fdf1dc; color: var(--warn); }
.badge.lvl-error { background: #fbe3e3; color: var(--error); }
.badge.lvl-fatal { background: var(--fatal); color: #fff; }
tr.lvl-error td.msg, tr.lvl-fatal td.msg { color: #a12626; font-weight: 550; }
tr.lvl-warn td.msg { color: #8a5a08; }
tr.lvl-debug td.msg { color: var(--muted); }
table.hide-debug tr.lvl-debug, table.hide-info tr.lvl-info, table.hide-warn tr.lvl-warn, table.hide-error tr.lvl-error, table.hide-fatal tr.lvl-fatal { display: none; }
tr[hidden] { display: none; }

footer.foot { color: #98a1b0; font-size: 12px; text-align: center; margin-top: 24px; }

@media (max-width: 700px) {
  main { padding: 16px; }
  .chart-grid { grid-template-columns: 1fr; }
}
`;
