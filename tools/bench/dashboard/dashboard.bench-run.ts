import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, type Browser } from "@dashlog/test-browser";
import { it } from "vitest";
import { chartLibraries } from "./chart-libraries.js";
import { liveFeeds } from "./live-feeds.js";
import { liveViewers, writeMarkers } from "./live-viewers.js";
import { PREFIX, writeMillionRun } from "./million-run.js";
import { chartZoomDetail, inPageSteps, paint, steps } from "./page-timings.js";

// BENCH_DASHBOARD_RECORDS (default 1,000,000), BENCH_DASHBOARD_VIEWERS (20), BENCH_OUT (markdown file),
// BENCH_DASHBOARD_SKIP (comma-separated: charts, steps) to run only part of it.
const SKIP = new Set((process.env["BENCH_DASHBOARD_SKIP"] ?? "").split(",").filter((s) => s !== ""));
const RECORDS = Number(process.env["BENCH_DASHBOARD_RECORDS"] ?? 1_000_000);
const VIEWERS = Number(process.env["BENCH_DASHBOARD_VIEWERS"] ?? 20);
const CLI = fileURLToPath(new URL("../../../packages/cli/dist/bin.js", import.meta.url));
// BENCH_DASHBOARD_BASELINE: another build of the CLI (its dist/bin.js), measured first on the same run in the
// same process, so a change is compared with what came before under the same load.
const BASELINE = process.env["BENCH_DASHBOARD_BASELINE"];
const VARIANTS = [...(BASELINE === undefined ? [] : [{ name: "baseline", cli: BASELINE }]), { name: "this build", cli: CLI }];

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};
const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
};
const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
const all = (xs: readonly number[]) => xs.map((x) => Math.round(x)).join(", ");

it("dashboard benchmark", async () => {
  const lines: string[] = [];
  const log = (line = "") => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const root = await mkdtemp(join(tmpdir(), "dashlog-dashboard-bench-"));
  const browser = await launchChromium();
  try {
    log(`# dashboard benchmark: ${RECORDS.toLocaleString("en-US")} log records, 10 streams, ${VIEWERS} live viewers`);
    log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    log();
    const charts = SKIP.has("charts") ? [] : await chartLibraries(browser, RECORDS, 3);
    if (charts.length > 0) log("| chart library | points | first draw (3 rounds) | zoom to 10 % and redraw |\n|---|---:|---|---|");
    for (const c of charts) log(`| ${c.library} | ${c.points.toLocaleString("en-US")} | median ${ms(median(c.drawMs))} (${all(c.drawMs)}) | median ${ms(median(c.zoomMs))} (${all(c.zoomMs)}) |`);
    log();

    await writeMillionRun(root, RECORDS);
    for (const variant of VARIANTS) {
      log(`## ${variant.name}: ${variant.cli}`);
      log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
      log();
      await measure(browser, root, variant.cli, variant.name.replace(/\s+/g, "-"), log);
    }
    log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
    const out = process.env["BENCH_OUT"];
    if (out !== undefined) await writeFile(out, `${lines.join("\n")}\n`);
  } finally {
    await browser.close();
    await rm(root, { recursive: true, force: true });
  }
});

/** One build's figures; `label` names its live markers, so a later build's pages do not count an earlier one's. */
async function measure(browser: Browser, root: string, cli: string, label: string, log: (line?: string) => void): Promise<void> {
  const server = spawn(process.execPath, [cli, "serve", "--root", root, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      server.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const found = /at (http:\/\/\S+)\n/.exec(out);
        if (found) resolve(found[1] as string);
      });
      server.once("exit", (code) => reject(new Error(`dashlog serve exited with ${code}`)));
    });
    const runUrl = `${url}run?p=${encodeURIComponent(PREFIX)}`;
    const cold = await paint(browser, runUrl);
    await cold.page.close();
    // Let the server's first read of the run finish, as it does while anyone looks at the page.
    await fetch(`${url}api/charts?p=${encodeURIComponent(PREFIX)}`);
    for (let i = 0; i < 600; i++) {
      const o = (await (await fetch(`${url}api/overview?p=${encodeURIComponent(PREFIX)}`)).json()) as { summary: { records: number; parsed: number } };
      // The spans stream is read after the logs: the timeline is there when the whole first read is done.
      const t = (await (await fetch(`${url}api/timeline?p=${encodeURIComponent(PREFIX)}`)).json()) as { spans: unknown[] };
      if (o.summary.parsed >= o.summary.records && t.spans.length > 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const warm = await paint(browser, runUrl);
    log("| page of the run | first meaningful paint (header + newest rows) | every chart drawn |");
    log("|---|---:|---:|");
    log(`| first visit (the server counts the run, then reads it in the background) | ${ms(cold.timing.firstPaintMs)} | ${ms(cold.timing.chartsMs)} (charts fill in as the read goes on) |`);
    log(`| next visit (run read) | ${ms(warm.timing.firstPaintMs)} | ${ms(warm.timing.chartsMs)} |`);
    log();
    const step = SKIP.has("steps") ? { levelFilterMs: [], textFilterMs: [], textFilterDoneMs: [], scrollMs: [], zoomMs: [] } : await steps(warm.page, 3, RECORDS);
    const inPage = SKIP.has("steps") ? { levelFilterMs: [], textFilterMs: [] } : await inPageSteps(warm.page, 3, RECORDS);
    const detail = SKIP.has("steps") ? [] : await chartZoomDetail(warm.page);
    await warm.page.close();
    if (!SKIP.has("steps")) log("| step on the open page | median | max | all |\n|---|---:|---:|---|");
    for (const [name, xs] of [
      ["level filter (errors and warnings only, and back)", step.levelFilterMs],
      ["text filter: first match shown (after the 150 ms typing debounce)", step.textFilterMs],
      ["text filter: every record searched (older pages read as the list asks)", step.textFilterDoneMs],
      ["scroll to anywhere in the million rows", step.scrollMs],
      ["timeline zoom or seek", step.zoomMs],
      ["level filter, timed in the page (click() to rows drawn, no Playwright action)", inPage.levelFilterMs],
      ["text filter, timed in the page (input event to first match drawn, less the 150 ms debounce)", inPage.textFilterMs],
      ["chart zoom: finer points for the range drawn (drag release to redraw)", detail],
    ] as const) {
      if (xs.length === 0) continue;
      log(`| ${name} | ${ms(median(xs))} | ${ms(Math.max(...xs))} | ${all(xs)} |`);
    }
    log();
    const live = await liveViewers(browser, runUrl, root, VIEWERS, 20, 250, `${label} pages`);
    // "Late": shown, but more than the one second a record may take; "missed": never shown.
    const late = live.latenciesMs.filter((x) => x > 1000).length;
    log(`| live: ${live.viewers} pages on the run, ${live.markers} records logged 250 ms apart by another process | p50 | p95 | max | late (> 1 s) | missed |`);
    log("|---|---:|---:|---:|---:|---:|");
    log(`| record timestamp to row shown | ${ms(pct(live.latenciesMs, 0.5))} | ${ms(pct(live.latenciesMs, 0.95))} | ${ms(Math.max(...live.latenciesMs))} | ${late} | ${live.missed} |`);
    log();
    const feeds = await liveFeeds(new URL(url).origin, VIEWERS, 20, `${label} feeds`, () => writeMarkers(root, 20, 250, `${label} feeds`));
    log(`| live: ${feeds.viewers} live feeds read without browsers, ${feeds.markers} records logged 250 ms apart | p50 | p95 | max | missed |`);
    log("|---|---:|---:|---:|---:|");
    log(`| record timestamp to the event carrying it | ${ms(pct(feeds.latenciesMs, 0.5))} | ${ms(pct(feeds.latenciesMs, 0.95))} | ${ms(Math.max(...feeds.latenciesMs))} | ${feeds.missed} |`);
    log();
  } finally {
    server.kill("SIGINT");
  }
}
