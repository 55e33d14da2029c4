import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium, type Browser, type Page } from "@dashlog/test-browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSequentialSpans } from "./fixtures/sequential-spans.js";
import { HOSTILE_MESSAGE, writeTrainingRun, type FixtureCounts } from "./fixtures/training-run.js";
import { tempRoot } from "./helpers/run-dashlog.js";
import { runNode, startServe, type ServeProcess } from "./helpers/serve-process.js";

// The README's screenshots are retaken only on request (`DASHLOG_UPDATE_SCREENSHOTS=1`): a test
// run must not leave the work tree changed. Otherwise they go with the other test artifacts.
const DOCS_IMAGES = fileURLToPath(new URL(process.env["DASHLOG_UPDATE_SCREENSHOTS"] === "1" ? "../../../docs/images/" : "../test-artifacts/", import.meta.url));
const TRAINING = "alice/ml/mnist-training";
const TRAINING_2 = "alice/ml/mnist-wider";
const LIVE = "bob/live/run-1";
const SEQUENTIAL = "carol/spans/from-logs";
const SEQUENTIAL_STREAM = "carol/spans/from-stream";
const CRASHED = "dave/oom/run-1";

const DENSE = "eve/zoom/dense";
const DENSE_RECORDS = 5000;
const DENSE_T0 = Date.UTC(2025, 9, 29, 12);

/** Many more points than a chart's buckets: the loss over step, and a `gpu` stream of one sample per ten records. */
async function writeDenseRun(dir: string): Promise<void> {
  const base = join(dir, ...DENSE.split("/"));
  await mkdir(join(base, "logs"), { recursive: true });
  let logs = "";
  let gpu = "";
  for (let i = 0; i < DENSE_RECORDS; i++) {
    const timestamp = new Date(DENSE_T0 + i * 100).toISOString();
    logs += `${JSON.stringify({ timestamp, level: "info", message: `batch ${i} done`, metadata: { step: i, loss: 1 + Math.sin(i / 7) }, sequenceNumber: i })}\n`;
    if (i % 10 === 0) gpu += `${JSON.stringify({ utilization: (i * 37) % 100, sequenceNumber: i })}\n`;
  }
  await writeFile(join(base, "logs", "logs.jsonl"), logs);
  await writeFile(join(base, "logs", "gpu.jsonl"), gpu);
  const run = { runId: "r-1", status: "COMPLETED", startedAt: new Date(DENSE_T0).toISOString(), endedAt: new Date(DENSE_T0 + DENSE_RECORDS * 100).toISOString(), firstSequenceNumber: 0, nextSequenceNumber: DENSE_RECORDS };
  await writeFile(join(base, "runs.jsonl"), `${JSON.stringify(run)}\n`);
}

const METRICS = "eve/zoom/named-metrics";

/** A named metric series (`exp.metrics("train")`, as the local sink writes it) of DENSE_RECORDS points: loss over step. */
async function writeMetricsRun(dir: string): Promise<void> {
  const base = join(dir, ...METRICS.split("/"));
  await mkdir(join(base, "metrics", "train"), { recursive: true });
  let lines = "";
  for (let i = 0; i < DENSE_RECORDS; i++) {
    lines += `${JSON.stringify({ index: i, data: { step: i, loss: 2 + Math.cos(i / 5) }, createdAt: new Date(DENSE_T0 + i * 100).toISOString() })}\n`;
  }
  await writeFile(join(base, "metrics", "train", "data.jsonl"), lines);
  const at = (i: number) => new Date(DENSE_T0 + i * 100).toISOString();
  await writeFile(
    join(base, "metrics", "train", "metadata.json"),
    JSON.stringify({ metricId: "local-metric-train", name: "train", description: null, tags: [], metadata: null, totalDataPoints: DENSE_RECORDS, nextIndex: DENSE_RECORDS, createdAt: at(0), updatedAt: at(DENSE_RECORDS - 1) }),
  );
}

const BIG = "frank/big/run";
const BIG_RECORDS = 60_000;

/** More rows than the table resizes its scroll range for on every record (50,000). */
async function writeBigRun(dir: string): Promise<string> {
  const base = join(dir, ...BIG.split("/"));
  await mkdir(join(base, "logs"), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < BIG_RECORDS; i++) lines.push(JSON.stringify({ timestamp: new Date(DENSE_T0 + i).toISOString(), level: "info", message: `row ${i}`, metadata: null, sequenceNumber: i }));
  const file = join(base, "logs", "logs.jsonl");
  await writeFile(file, `${lines.join("\n")}\n`);
  return file;
}

/** A run stored RUNNING whose process is gone (as after SIGKILL or the OOM killer): a pid that just exited, on this host. */
async function writeCrashedRun(dir: string): Promise<void> {
  const pid = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["-e", ""]);
    child.once("exit", () => resolve(child.pid as number));
  });
  const base = join(dir, ...CRASHED.split("/"));
  await mkdir(join(base, "logs"), { recursive: true });
  await writeFile(join(base, "logs", "logs.jsonl"), `${JSON.stringify({ timestamp: "2025-10-29T12:00:00.000Z", level: "info", message: "Epoch 1 complete", metadata: null, sequenceNumber: 0 })}\n`);
  const run = { runId: "r-1", status: "RUNNING", startedAt: "2025-10-29T12:00:00.000Z", firstSequenceNumber: 0, pid, hostname: hostname() };
  await writeFile(join(base, "runs.jsonl"), `${JSON.stringify(run)}\n`);
  await writeFile(join(base, ".lock"), JSON.stringify({ runId: "r-1", pid, hostname: hostname() }));
}

let root: { dir: string; remove(): Promise<void> };
let bigFile: string;
let counts: FixtureCounts;
let serve: ServeProcess;
let browser: Browser;
const problems: string[] = [];
const foreignRequests: string[] = [];

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(serve.origin)) foreignRequests.push(r.url());
  });
  await page.goto(`${serve.origin}${path}`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
  return page;
}

/** A run that logs `count` records in another process, one every `everyMs`, then ends. */
function writeLive(prefix: string, messages: readonly string[], everyMs: number): Promise<string> {
  return runNode(`
    import { Experiment } from "@dashlog/core";
    import { localJsonl } from "@dashlog/local-jsonl";
    const messages = ${JSON.stringify(messages)};
    await new Experiment({ prefix: ${JSON.stringify(prefix)}, sink: localJsonl({ root: process.env.ROOT }) }).run(async (exp) => {
      for (const [i, message] of messages.entries()) {
        exp.log(message, { metadata: { step: i, score: i * i } });
        await exp.flush?.();
        await new Promise((r) => setTimeout(r, ${everyMs}));
      }
    });
  `, { ROOT: root.dir });
}

beforeAll(async () => {
  root = await tempRoot();
  counts = await writeTrainingRun(root.dir, TRAINING);
  await writeTrainingRun(root.dir, TRAINING_2, 9, 1.4);
  await writeSequentialSpans(root.dir, SEQUENTIAL, false);
  await writeSequentialSpans(root.dir, SEQUENTIAL_STREAM, true);
  await writeLive(LIVE, ["first record"], 0);
  await writeCrashedRun(root.dir);
  await writeDenseRun(root.dir);
  await writeMetricsRun(root.dir);
  bigFile = await writeBigRun(root.dir);
  serve = await startServe(["--root", root.dir]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await root?.remove();
});

describe("dashlog serve", () => {
  it("prints a loopback URL without a token by default", () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("lists every experiment as a tree by prefix, with status and record counts, and searches prefixes", async () => {
    const page = await open("/");
    const prefixes = await page.locator(".tree-exp").evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset["prefix"]));
    expect(prefixes.sort()).toEqual([TRAINING, TRAINING_2, LIVE, SEQUENTIAL, SEQUENTIAL_STREAM, CRASHED, DENSE, METRICS, BIG].sort());
    expect(await page.locator(`.tree-exp[data-prefix="${CRASHED}"] .status`).textContent()).toBe("CRASHED");
    const row = page.locator(`.tree-exp[data-prefix="${TRAINING}"]`);
    expect(await row.locator(".status").textContent()).toBe("COMPLETED");
    expect(await row.locator(".facts").textContent()).toContain(`${counts.events} records`);
    expect(await page.locator(".tree-folder > details > summary").allTextContents()).toEqual(expect.arrayContaining(["alice/", "ml/", "bob/", "carol/"]));
    await mkdir(DOCS_IMAGES, { recursive: true });
    await page.screenshot({ path: `${DOCS_IMAGES}dashboard-home.png` });
    await page.fill("input.search", "carol");
    expect(await page.locator(".tree-exp").count()).toBe(2);
    await page.close();
  });

  it("shows a run: header, summary counts of every record, charts, timeline and log table", async () => {
    const page = await open(`/run?p=${encodeURIComponent(TRAINING)}`);
    expect(await page.locator("#status").textContent()).toBe("COMPLETED");
    const summary = await page.locator("#summary").textContent();
    expect(summary).toContain(`Log records${counts.events}`);
    expect(summary).toContain(`Errors${counts.levels.error + counts.levels.fatal}`);
    // The level chips count the whole run, not the rows drawn.
    expect(await page.locator("button.level-toggle[data-level=debug] .count").textContent()).toBe(String(counts.levels.debug));
    const charts = await page.locator("[data-chart]").evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset["chart"]));
    expect(charts).toEqual([
      "timeline",
      "metadata-epoch-train_loss-val_loss",
      "metadata-epoch-learning_rate",
      "metadata-step-loss",
      "stream-memory",
      "stream-cpu",
      "stream-eventLoopDelay",
      "stream-bytes",
    ]);
    expect(await page.locator("[data-chart] canvas").count()).toBe(charts.length);
    expect(await page.locator(".log-spacer .log-row").first().getAttribute("data-seq")).toBe(String(counts.events - 1));
    await page.screenshot({ path: `${DOCS_IMAGES}dashboard-run.png`, fullPage: true });
    await page.close();
  });

  it("shows a run whose writer died while RUNNING as crashed, with the reason the store gives", async () => {
    const page = await open(`/run?p=${encodeURIComponent(CRASHED)}`);
    expect(await page.locator("#status").textContent()).toBe("CRASHED");
    expect(await page.locator(".run-error").textContent()).toMatch(/^Crashed: its process \d+ on .+ is gone/);
    await page.close();
  });

  it("filters the log table by level and text on the server, newest first", async () => {
    const page = await open(`/run?p=${encodeURIComponent(TRAINING)}`);
    const levels = () => page.locator(".log-spacer .log-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset["level"]));
    const shows = (text: string) => page.waitForFunction((t) => document.querySelector("#shown-count")?.textContent === t && !document.querySelector(".log-row.loading"), text);
    for (const level of ["debug", "info"]) await page.click(`button.level-toggle[data-level=${level}]`);
    await shows(`${counts.levels.warn + counts.levels.error} matching of ${counts.events}`);
    expect((await levels()).sort()).toEqual([...Array(counts.levels.warn).fill("warn"), ...Array(counts.levels.error).fill("error")].sort());
    for (const level of ["debug", "info"]) await page.click(`button.level-toggle[data-level=${level}]`);
    await page.fill(".toolbar input.search", "epoch 3 complete");
    await shows(`1 matching of ${counts.events}`);
    expect(await page.locator(".log-spacer .log-row .msg").allTextContents()).toEqual(["Epoch 3 complete"]);
    await page.close();
  });

  it("reads a zoomed chart's range again at full resolution, for metadata charts and streams", async () => {
    const detail = async (id: string, from: number, to: number) => {
      const response = await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(DENSE)}&id=${id}&from=${from}&to=${to}`);
      expect(response.status).toBe(200);
      return (await response.json()) as { id: string; series: { name: string; points: [number, number][] }[] };
    };
    // The run's first read may still be going on under load: the whole charts are compared once it is done.
    for (let i = 0; i < 200; i++) {
      const o = (await (await fetch(`${serve.origin}/api/overview?p=${encodeURIComponent(DENSE)}`)).json()) as { summary: { parsed: number } };
      if (o.summary.parsed >= DENSE_RECORDS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const whole = (await (await fetch(`${serve.origin}/api/charts?p=${encodeURIComponent(DENSE)}`)).json()) as { id: string; series: { points: [number, number][] }[] }[];
    const loss = whole.find((c) => c.id === "metadata-step-loss");
    const inRange = (points: [number, number][], from: number, to: number) => points.filter(([x]) => x >= from && x <= to);
    // The run's buckets hold a few points of steps 1000-1100; the zoom has every step.
    expect(inRange(loss!.series[0]!.points, 1000, 1100).length).toBeLessThan(40);
    const zoomed = await detail("metadata-step-loss", 1000, 1100);
    expect(zoomed.id).toBe("metadata-step-loss");
    expect(zoomed.series[0]!.points.map(([x]) => x)).toEqual(Array.from({ length: 101 }, (_, i) => 1000 + i));
    expect(zoomed.series[0]!.points[7]![1]).toBeCloseTo(1 + Math.sin(1007 / 7), 12);
    // A stream: its samples' times come from the log records of the same sequence numbers.
    const from = DENSE_T0 + 2000 * 100;
    const to = DENSE_T0 + 2500 * 100;
    const gpu = await detail("stream-gpu", from, to);
    expect(gpu.series[0]!.points.map(([x]) => x)).toEqual(Array.from({ length: 51 }, (_, i) => from + i * 1000));
    expect(gpu.series[0]!.points.map(([, y]) => y)).toEqual(Array.from({ length: 51 }, (_, i) => ((2000 + i * 10) * 37) % 100));
    for (const bad of ["id=metadata-step-loss&from=5&to=1", "id=metadata-step-loss&from=x&to=1", "from=1&to=2"]) {
      expect((await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(DENSE)}&${bad}`)).status).toBe(400);
    }
    expect(await (await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(DENSE)}&id=no-such-chart&from=1&to=2`)).json()).toBeNull();
  });

  it("reads a zoomed chart of a named metric series again at full resolution, by point index", async () => {
    type Chart = { id: string; series: { name: string; points: [number, number][] }[] };
    const id = "metrics-step-train.loss";
    let whole: Chart | undefined;
    for (let i = 0; i < 200 && whole === undefined; i++) {
      const charts = (await (await fetch(`${serve.origin}/api/charts?p=${encodeURIComponent(METRICS)}`)).json()) as Chart[];
      whole = charts.find((c) => c.id === id && c.series[0]!.points.at(-1)?.[0] === DENSE_RECORDS - 1);
      if (whole === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(whole!.series.map((s) => s.name)).toEqual(["train.loss"]);
    const inRange = whole!.series[0]!.points.filter(([x]) => x >= 3000 && x <= 3200);
    expect(inRange.length).toBeLessThan(100);
    const response = await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(METRICS)}&id=${id}&from=3000&to=3200`);
    const zoomed = (await response.json()) as Chart;
    expect(zoomed.id).toBe(id);
    // 201 steps in 1,024 buckets: every point, in order, with its value.
    expect(zoomed.series[0]!.points.map(([x]) => x)).toEqual(Array.from({ length: 201 }, (_, i) => 3000 + i));
    expect(zoomed.series[0]!.points[13]![1]).toBeCloseTo(2 + Math.cos(3013 / 5), 12);
    // A wider range keeps each bucket's lowest and highest point: the extremes of the curve survive.
    const wide = (await (await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(METRICS)}&id=${id}&from=0&to=4999`)).json()) as Chart;
    const ys = wide.series[0]!.points.map(([, y]) => y);
    expect(ys.length).toBeLessThanOrEqual(2048);
    expect(Math.max(...ys)).toBeCloseTo(Math.max(...Array.from({ length: DENSE_RECORDS }, (_, i) => 2 + Math.cos(i / 5))), 12);
    expect(Math.min(...ys)).toBeCloseTo(Math.min(...Array.from({ length: DENSE_RECORDS }, (_, i) => 2 + Math.cos(i / 5))), 12);
  });

  it.each([
    ["log metadata", DENSE, "metadata-step-loss"],
    ["a named metric series", METRICS, "metrics-step-train.loss"],
  ])("draws a zoomed chart of %s with the finer points the server reads for it", async (_what, prefix, id) => {
    const page = await open(`/run?p=${encodeURIComponent(prefix)}`);
    await page.waitForSelector(`[data-chart="${id}"]`, { timeout: 10_000 });
    const chart = page.locator(`[data-chart="${id}"]`);
    const before = Number(await chart.getAttribute("data-points"));
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.locator(".u-over").boundingBox())!;
    // Drag across a twentieth of the x axis.
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((chartId) => document.querySelector(`[data-chart="${chartId}"]`)?.getAttribute("data-detail") !== null, id, { timeout: 10_000 });
    // Every step of the zoomed range is drawn now, beside the coarse points of the rest.
    const [from, to] = ((await chart.getAttribute("data-detail")) as string).split(":").map(Number) as [number, number];
    const stepsInRange = Math.floor(to) - Math.ceil(from) + 1;
    expect(Number(await chart.getAttribute("data-points"))).toBeGreaterThan(before + stepsInRange / 2);
    await page.close();
  });

  it("shows records appended to a large run at once, and lets the reader scroll to every row", async () => {
    // Once the run is read (a page opened during the first read refetches what that read changed).
    for (let i = 0; i < 200; i++) {
      const o = (await (await fetch(`${serve.origin}/api/overview?p=${encodeURIComponent(BIG)}`)).json()) as { summary: { parsed: number } };
      if (o.summary.parsed >= BIG_RECORDS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const page = await open(`/run?p=${encodeURIComponent(BIG)}`);
    // Records without metadata change no chart and no span: the page asks for neither again.
    const refetched: string[] = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path === "/api/charts" || path === "/api/timeline") refetched.push(path);
    });
    const height = () => page.evaluate(() => Number.parseFloat((document.querySelector(".log-spacer") as HTMLElement).style.height));
    expect(await height()).toBe(BIG_RECORDS * 24);
    const { appendFile } = await import("node:fs/promises");
    let more = "";
    for (let i = BIG_RECORDS; i < BIG_RECORDS + 10; i++) more += `${JSON.stringify({ timestamp: new Date(DENSE_T0 + i).toISOString(), level: "info", message: `appended ${i}`, metadata: null, sequenceNumber: i })}\n`;
    await appendFile(bigFile, more);
    // The newest row shows without a reload, drawn from the new count.
    await page.waitForFunction((m) => document.querySelector(".log-spacer .log-row .msg")?.textContent === m, `appended ${BIG_RECORDS + 9}`, { timeout: 5000 });
    expect(refetched).toEqual([]);
    // The reader scrolls: the range covers every row, the oldest included.
    await page.evaluate(() => ((document.querySelector(".log-scroll") as HTMLElement).scrollTop = 240));
    await page.waitForFunction((h) => Number.parseFloat((document.querySelector(".log-spacer") as HTMLElement).style.height) === h, (BIG_RECORDS + 10) * 24, { timeout: 5000 });
    await page.evaluate(() => {
      const s = document.querySelector(".log-scroll") as HTMLElement;
      s.scrollTop = s.scrollHeight;
    });
    await page.waitForFunction(() => Array.from(document.querySelectorAll(".log-spacer .log-row .msg")).some((m) => m.textContent === "row 0"), null, { timeout: 5000 });
    await page.close();
  });

  it("shows messages and metadata full of HTML and script as text", async () => {
    const page = await open(`/run?p=${encodeURIComponent(TRAINING)}`);
    const cell = page.locator(".log-spacer .log-row .msg", { hasText: "Loss is" });
    expect(await cell.textContent()).toBe(HOSTILE_MESSAGE);
    expect(await page.locator(".log-table img, .log-table script").count()).toBe(0);
    await cell.click();
    expect(await page.locator(".log-detail .detail-meta").textContent()).toContain('"note": "</script><!--"');
    expect(await page.title()).toBe(`${TRAINING} · dashlog`);
    await page.close();
  });

  it("shows a record logged by another process within a second, without reloading", async () => {
    const page = await open(`/run?p=${encodeURIComponent(LIVE)}`);
    await page.waitForFunction(() => document.querySelector(".log-spacer .log-row .msg")?.textContent === "first record");
    expect(await page.locator(".log-spacer .log-row .msg").allTextContents()).toEqual(["first record"]);
    const writer = writeLive(LIVE, ["live one", "live two", "live three"], 400);
    const latencies: number[] = [];
    for (const message of ["live one", "live two", "live three"]) {
      // When the row shows, against the record's own timestamp (same machine clock): the delay a person sees.
      const seen = await page.waitForFunction(
        (m) => {
          const row = Array.from(document.querySelectorAll(".log-spacer .log-row")).find((r) => r.querySelector(".msg")?.textContent === m);
          const time = row?.querySelector(".time")?.textContent;
          return time ? Date.now() - Date.parse(`${time.replace(" ", "T")}Z`) : false;
        },
        message,
        { timeout: 5000, polling: 20 },
      );
      latencies.push((await seen.jsonValue()) as number);
    }
    await writer;
    for (const ms of latencies) expect(ms).toBeLessThan(1000);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "COMPLETED", null, { timeout: 5000 });
    expect(await page.locator(".log-spacer .log-row").first().locator(".msg").textContent()).toBe("live three");
    await page.close();
  });

  it("lanes sequential spans on one lane and concurrent ones on two, from the logs stream or the spans stream", async () => {
    for (const prefix of [SEQUENTIAL, SEQUENTIAL_STREAM]) {
      const response = await fetch(`${serve.origin}/api/timeline?p=${encodeURIComponent(prefix)}`);
      const timeline = (await response.json()) as { source: string; lanes: string[]; spans: { category: string; lane: number }[] };
      expect(timeline.source).toBe(prefix === SEQUENTIAL ? "logs" : "spans");
      expect(timeline.lanes).toEqual(["epoch", "load", "load (2)"]);
      expect(timeline.spans.filter((s) => s.category === "epoch").every((s) => s.lane === 0)).toBe(true);
      expect(timeline.spans.filter((s) => s.category === "epoch")).toHaveLength(20);
    }
    const page = await open(`/run?p=${encodeURIComponent(SEQUENTIAL)}`);
    expect(await page.locator("#summary").textContent()).toContain("Spans22");
    await page.click("button[data-seek=zoomIn]");
    await page.click("button[data-seek=back]");
    await page.click("button[data-seek=reset]");
    await page.close();
  });

  it("compares a metric of ticked runs on one chart", async () => {
    const page = await open("/");
    await page.check(`.tree-exp[data-prefix="${TRAINING}"] input[type=checkbox]`);
    await page.check(`.tree-exp[data-prefix="${TRAINING_2}"] input[type=checkbox]`);
    await Promise.all([page.waitForURL(/\/compare\?/), page.click("#compare")]);
    await page.waitForSelector("html[data-ready=true]");
    await page.selectOption("#metric", { label: "train_loss over epoch" });
    const legend = await page.locator(".compare-chart .u-legend .u-label").allTextContents();
    expect(legend).toEqual(["epoch", TRAINING, TRAINING_2]);
    expect(await page.locator(".compare-chart canvas").count()).toBe(1);
    await page.screenshot({ path: `${DOCS_IMAGES}dashboard-compare.png` });
    await page.close();
  });

  it("refuses prefixes that would leave the root, however they are encoded", async () => {
    for (const p of ["..", "../etc", "alice/../../etc", "%2e%2e/etc", "alice%2f..%2f..%2fetc", "/etc/passwd", "..%5c..%5cetc", "alice//ml"]) {
      for (const path of ["/api/overview", "/api/logs", "/api/live", "/run"]) {
        const response = await fetch(`${serve.origin}${path}?p=${p}`);
        expect([path, p, response.status]).toEqual([path, p, 400]);
        expect(((await response.json()) as { error: string }).error).toMatch(/^p "/);
      }
    }
    const missing = await fetch(`${serve.origin}/api/overview?p=nobody/here`);
    expect(missing.status).toBe(404);
    expect((await fetch(`${serve.origin}/../../etc/passwd`)).status).toBe(404);
    expect((await fetch(`${serve.origin}/api/overview?p=${TRAINING}`, { method: "POST" })).status).toBe(405);
  });

  it("renders every page with no console error and no request leaving its server", () => {
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});

describe("dashlog serve --host beyond loopback", () => {
  let guarded: ServeProcess;
  beforeAll(async () => {
    guarded = await startServe(["--root", root.dir, "--host", "0.0.0.0"]);
  }, 60_000);
  afterAll(async () => {
    await guarded?.stop();
  });

  it("prints a URL with a random token and refuses every request without it", async () => {
    const token = new URL(guarded.url).searchParams.get("token") as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const port = new URL(guarded.url).port;
    const base = `http://127.0.0.1:${port}`;
    for (const path of ["/", `/run?p=${TRAINING}`, `/api/experiments`, `/api/overview?p=${TRAINING}`, `/api/live?p=${TRAINING}`]) {
      const sep = path.includes("?") ? "&" : "?";
      expect([path, (await fetch(`${base}${path}`)).status]).toEqual([path, 401]);
      expect([path, (await fetch(`${base}${path}${sep}token=${token.slice(1)}x`)).status]).toEqual([path, 401]);
    }
    expect((await fetch(`${base}/api/experiments?token=${token}`)).status).toBe(200);
    expect((await fetch(`${base}/api/experiments`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("serves the page and its live feed with the token", async () => {
    const page = await browser.newPage();
    const url = new URL(guarded.url);
    await page.goto(`http://127.0.0.1:${url.port}/${url.search}`);
    await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
    await Promise.all([page.waitForURL(/\/run\?/), page.click(`.tree-exp[data-prefix="${LIVE}"] a`)]);
    await page.waitForSelector("html[data-ready=true]");
    await page.waitForFunction(() => document.querySelector(".log-spacer .log-row .msg")?.textContent === "live three");
    const writer = writeLive(LIVE, ["guarded live"], 0);
    await page.locator(".log-spacer .log-row .msg", { hasText: "guarded live" }).waitFor({ timeout: 5000 });
    await writer;
    await page.close();
  });
});
