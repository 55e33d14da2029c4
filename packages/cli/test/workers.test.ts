import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launchChromium, type Browser, type Page } from "@dashlog/test-browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareWorkers } from "../src/report/worker-summary.js";
import { metricDir } from "@dashlog/local-jsonl";
import { HOSTILE_WORKER, JOINED_EPOCHS, JOINED_STEPS_PER_EPOCH, joinedTrainLoss, writeJoinedRun, type JoinedFixture } from "./fixtures/joined-run.js";
import { dashlog, tempRoot } from "./helpers/run-dashlog.js";
import { startServe, type ServeProcess } from "./helpers/serve-process.js";

// A run joined by three workers, one crashed and named with HTML, in the served dashboard and
// in a report file: both draw it with the same front-end.
const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const PREFIX = "grace/ddp/joined";
const WORKERS = ["0", "1", HOSTILE_WORKER];

let root: { dir: string; remove(): Promise<void> };
let fixture: JoinedFixture;
let serve: ServeProcess;
let browser: Browser;
const problems: string[] = [];

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
  return page;
}

const total = () => Object.values(fixture.records).reduce((a, b) => a + b, 0);

const TRAIN_LOSS = "metrics-step-train.loss";
const STEPS = JOINED_EPOCHS * JOINED_STEPS_PER_EPOCH;
/** The legend of the named metric chart: the x axis, then a curve per worker in worker order. */
const trainLegend = (workers: readonly string[]) => ["step", ...[...workers].sort(compareWorkers).map((w) => `train.loss · ${w}`)];

/** The curves of the joined run's named metric series in a page: one per worker, every point of it. */
async function expectTrainLossPerWorker(page: Page, workers: readonly string[], points: number): Promise<void> {
  const chart = page.locator(`[data-chart="${TRAIN_LOSS}"]`);
  expect(await chart.locator(".u-legend .u-label").allTextContents()).toEqual(trainLegend(workers));
  expect(await chart.getAttribute("data-points")).toBe(String(points));
}

/** What every page of the joined run shows, served or from a report file. */
async function expectJoinedRunPage(page: Page, metricWorkers: readonly string[] = ["0", "1"], metricPoints = 2 * STEPS): Promise<void> {
  expect(await page.locator("#status").textContent()).toBe("FAILED");
  expect(await page.locator(".headline .facts").textContent()).toContain("3 workers: 2/3 completed, 1 crashed");
  // The run's error names the crashed worker, as text.
  expect(await page.locator(".run-error").textContent()).toMatch(/^WorkerCrashed: worker .* crashed \(its process \d+ on .+ is gone/);
  expect(await page.locator(".run-error").textContent()).toContain(`worker ${HOSTILE_WORKER} crashed`);
  // One row per worker, in the order they joined; the crashed one marked, beside its stored status.
  const rows = page.locator("#workers tbody tr");
  expect(await rows.evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset["worker"], (tr as HTMLElement).dataset["status"], tr.className]))).toEqual([
    ["0", "COMPLETED", ""],
    ["1", "COMPLETED", ""],
    [HOSTILE_WORKER, "CRASHED", "worker-bad"],
  ]);
  const crashed = page.locator("#workers tr.worker-bad");
  expect(await crashed.locator(".worker-name").textContent()).toBe(HOSTILE_WORKER);
  expect(await crashed.locator(".stored").textContent()).toBe(" stored RUNNING");
  expect(await crashed.locator(".records").textContent()).toBe(String(fixture.records[HOSTILE_WORKER]));
  const unrecordedFrom = fixture.firstOfCrashed + 100;
  expect(await crashed.locator(".numbers").textContent()).toBe(
    `100 reserved in 1 block; unused ones not stated (it never recorded its end); 50 taken but never recorded (killed between reserving and recording): #${unrecordedFrom}–${unrecordedFrom + 49}`,
  );
  expect(await crashed.locator(".err").textContent()).toContain(`its process ${fixture.crashedPid} on`);
  for (const worker of ["0", "1"]) {
    const row = page.locator(`#workers tr[data-worker="${worker}"]`);
    expect(await row.locator(".records").textContent()).toBe(String(fixture.records[worker]));
    expect(await row.locator(".numbers").textContent()).toMatch(/reserved in \d+ blocks?; ([\d,]+ unused: #\d+|every one used)/);
  }
  // The Gantt has a band of lanes per worker, in worker order.
  const lanes = await page.locator("#timeline .lane-list li").allTextContents();
  expect(lanes).toEqual([...WORKERS].sort(compareWorkers).map((w) => `${w} · epoch`));
  // The named metric series: one curve per worker (the crashed one logged none).
  await expectTrainLossPerWorker(page, metricWorkers, metricPoints);
  // The hostile name is text everywhere: no element, no script ran.
  expect(await page.locator("main img, main script").count()).toBe(0);
  expect(await page.title()).not.toContain("pwned");
}

/** Hides every worker but `keep` with the filter buttons; returns the rows the table then shows. */
async function onlyWorker(page: Page, keep: string): Promise<{ workers: string[]; shown: string }> {
  for (const worker of WORKERS) {
    if (worker !== keep) await page.locator(".worker-toggle").filter({ hasText: worker }).first().click();
  }
  await page.waitForFunction(() => /matching of/.test(document.querySelector("#shown-count")?.textContent ?? "") && !document.querySelector(".log-row.loading"));
  const workers = await page.locator(".log-spacer .log-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset["worker"] ?? "?"));
  return { workers, shown: (await page.locator("#shown-count").textContent()) ?? "" };
}

beforeAll(async () => {
  root = await tempRoot();
  fixture = await writeJoinedRun(root.dir, PREFIX);
  serve = await startServe(["--root", root.dir]);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  await root?.remove();
});

describe("a run joined by several workers, served", () => {
  it("shows the run's status and how its workers ended on the home tree", async () => {
    const page = await open(`${serve.origin}/`);
    const row = page.locator(`.tree-exp[data-prefix="${PREFIX}"]`);
    expect(await row.locator(".status").textContent()).toBe("FAILED");
    expect(await row.locator(".workers-tally").textContent()).toBe("3 workers: 2/3 completed, 1 crashed");
    expect(await row.locator(".workers-tally").getAttribute("class")).toContain("bad");
    await page.close();
  });

  it("shows every worker's part in the header, the error naming the crashed one, and Gantt lanes per worker", async () => {
    const page = await open(`${serve.origin}/run?p=${encodeURIComponent(PREFIX)}`);
    await expectJoinedRunPage(page);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-joined-run.png"), fullPage: true });
    await page.close();
  });

  it("has a worker column, and filters by worker on the server", async () => {
    const page = await open(`${serve.origin}/run?p=${encodeURIComponent(PREFIX)}`);
    expect(await page.locator(".log-head .worker").textContent()).toBe("worker");
    const counts = await page.locator(".worker-toggle").evaluateAll((bs) => bs.map((b) => [(b as HTMLElement).dataset["worker"], b.querySelector(".count")?.textContent]));
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(WORKERS.map((w) => [w, String(fixture.records[w])])));
    const one = await onlyWorker(page, "1");
    expect(one.shown).toBe(`${fixture.records["1"]} matching of ${total()}`);
    expect(one.workers).toEqual(Array(fixture.records["1"]).fill("1"));
    // The crashed worker alone: its name filters like any other.
    for (const worker of [HOSTILE_WORKER, "1"]) await page.locator(".worker-toggle").filter({ hasText: worker }).first().click();
    await page.waitForFunction((n) => document.querySelector("#shown-count")?.textContent === `${n.shown} matching of ${n.total}` && !document.querySelector(".log-row.loading"), {
      shown: fixture.records[HOSTILE_WORKER],
      total: total(),
    });
    const crashed = await page.locator(".log-spacer .log-row .msg").allTextContents();
    expect(crashed).toEqual(["CUDA out of memory", `${HOSTILE_WORKER} loaded`, "start epoch 1"]);
    await page.close();
    // The API the page uses: repeated `worker`, like `level`.
    const api = async (query: string) => (await (await fetch(`${serve.origin}/api/logs?p=${encodeURIComponent(PREFIX)}&filtered=1&limit=1000&${query}`)).json()) as { rows: unknown[][] };
    const both = await api(`worker=0&worker=${encodeURIComponent(HOSTILE_WORKER)}`);
    expect(both.rows).toHaveLength((fixture.records["0"] ?? 0) + (fixture.records[HOSTILE_WORKER] ?? 0));
    expect(new Set(both.rows.map((r) => r[5]))).toEqual(new Set(["0", HOSTILE_WORKER]));
    const warnOfOne = await api("worker=1&level=warn");
    expect(warnOfOne.rows.map((r) => r[3])).toEqual(["rank 1 saw a slow batch"]);
    expect((await fetch(`${serve.origin}/api/logs?p=${encodeURIComponent(PREFIX)}&filtered=1&worker=`)).status).toBe(400);
  });

  it("charts the loss of each worker as its own series", async () => {
    const charts = (await (await fetch(`${serve.origin}/api/charts?p=${encodeURIComponent(PREFIX)}`)).json()) as { id: string; series: { name: string; points: number[][] }[] }[];
    const loss = charts.find((c) => c.id === "metadata-epoch-loss");
    // The crashed worker logged one loss: one point is no line.
    expect(loss?.series.map((s) => s.name)).toEqual(["loss · 0", "loss · 1"]);
    expect(loss?.series[1]?.points).toEqual(Array.from({ length: JOINED_EPOCHS }, (_, i) => [i + 1, 2 / (i + 1)]));
  });
  it("charts a joined named metric series one curve per worker, and zooms each by its own indices", async () => {
    type Chart = { id: string; series: { name: string; points: [number, number][] }[] };
    const charts = (await (await fetch(`${serve.origin}/api/charts?p=${encodeURIComponent(PREFIX)}`)).json()) as Chart[];
    const whole = charts.find((c) => c.id === TRAIN_LOSS);
    expect(whole?.series.map((s) => s.name)).toEqual(["train.loss · 0", "train.loss · 1"]);
    // Each curve holds its worker's points alone, in step order: no jump to the other worker's value.
    for (const rank of [0, 1]) expect(whole?.series[rank]?.points).toEqual(Array.from({ length: STEPS }, (_, step) => [step, joinedTrainLoss(rank, step)]));
    // Both workers have points 5..12 by index: the zoom reads each worker's own range.
    const zoomed = (await (await fetch(`${serve.origin}/api/chart?p=${encodeURIComponent(PREFIX)}&id=${TRAIN_LOSS}&from=5&to=12`)).json()) as Chart;
    expect(zoomed.series.map((s) => s.name)).toEqual(["train.loss · 0", "train.loss · 1"]);
    for (const rank of [0, 1]) expect(zoomed.series[rank]?.points).toEqual(Array.from({ length: 8 }, (_, i) => [5 + i, joinedTrainLoss(rank, 5 + i)]));
  });

  it("adds a curve to a named metric chart when a worker's first points arrive while the page is open", async () => {
    const page = await open(`${serve.origin}/run?p=${encodeURIComponent(PREFIX)}`);
    await expectTrainLossPerWorker(page, ["0", "1"], 2 * STEPS);
    const place = () => page.locator("#metrics .chart-card .chart").evaluateAll((charts) => charts.map((c) => (c as HTMLElement).dataset["chart"]));
    const before = await place();
    // The crashed worker's two points, as a worker writes them to the shared file: indices of its own, below the others'.
    const t = (ms: number) => new Date(Date.UTC(2025, 9, 30, 9, 0, 0, 600) + ms).toISOString();
    const lines = [0, 1].map((index) => `${JSON.stringify({ index, data: { step: index, loss: joinedTrainLoss(4, index) }, createdAt: t(index), worker: HOSTILE_WORKER })}\n`);
    await appendFile(join(metricDir(root.dir, PREFIX, "train"), "data.jsonl"), lines.join(""));
    await page.waitForFunction(
      ({ id, n }) => document.querySelectorAll(`[data-chart="${id}"] .u-legend .u-label`).length === n,
      { id: TRAIN_LOSS, n: 4 },
      { timeout: 20_000 },
    );
    await expectTrainLossPerWorker(page, WORKERS, 2 * STEPS + 2);
    // Drawn anew in its place: the same charts in the same order.
    expect(await place()).toEqual(before);
    expect(await page.title()).not.toContain("pwned");
    await page.locator(`[data-chart="${TRAIN_LOSS}"]`).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-joined-metric.png") });
    await page.close();
  });
});

describe("a run joined by several workers, in a report file", () => {
  it("shows the same header, lanes and worker filter with no server", async () => {
    const file = join(root.dir, "joined.html");
    const result = await dashlog(["report", PREFIX, "-o", file, "--root", root.dir]);
    expect(result.code, result.stderr).toBe(0);
    const page = await open(pathToFileURL(file).href);
    // The crashed worker's metric points were appended while the served page was open (above).
    await expectJoinedRunPage(page, WORKERS, 2 * STEPS + 2);
    const zero = await onlyWorker(page, "0");
    expect(zero.workers).toEqual(Array(fixture.records["0"]).fill("0"));
    await page.close();
  });

  it("rendered every page with no console error and no dialog", () => {
    expect(problems).toEqual([]);
  });
});
