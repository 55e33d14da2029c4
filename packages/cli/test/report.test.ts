import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { launchChromium, type Browser, type Page } from "@dashlog/test-browser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_MESSAGE } from "./fixtures/training-run.js";
import { PREFIX, trainingRoot, type FixtureRoot } from "./helpers/fixture-root.js";
import { dashlog } from "./helpers/run-dashlog.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));

let fixture: FixtureRoot;
let browser: Browser;
let page: Page;
let html: string;
const consoleErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  fixture = await trainingRoot();
  const file = join(fixture.dir, "report.html");
  const result = await dashlog(["report", PREFIX, "-o", file, "--root", fixture.dir]);
  expect(result.stderr).toMatch(/^dashlog: wrote .*report\.html \([\d,]+ KiB\)\n$/);
  expect(result.code).toBe(0);
  html = await readFile(file, "utf8");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") consoleErrors.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`pageerror: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fixture?.remove();
});

describe("dashlog report", () => {
  it("renders with no console error and no network request", () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("is one file: no external script, style or image", async () => {
    const external = await page.evaluate(() => document.querySelectorAll("script[src], link[href], img[src], iframe, object, embed").length);
    expect(external).toBe(0);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content"));
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+';/);
    expect(csp).toContain("connect-src 'none'");
  });

  it("shows the run's status and summary", async () => {
    expect(await page.locator("#status").textContent()).toBe("COMPLETED");
    expect(await page.locator("h1.prefix").textContent()).toBe(PREFIX);
    const summary = await page.locator("#summary").textContent();
    expect(summary).toContain(`Log records${fixture.counts.events}`);
    expect(summary).toContain(`Spans${fixture.counts.spans}`);
    expect(summary).toContain(`Errors${fixture.counts.levels.error + fixture.counts.levels.fatal}`);
  });

  it("has every log record, newest first, and the expected charts, each drawn", async () => {
    expect(await page.locator("#shown-count").textContent()).toBe(`showing ${fixture.counts.events} of ${fixture.counts.events}`);
    expect(await page.locator(".log-spacer .log-row").first().getAttribute("data-seq")).toBe(String(fixture.counts.events - 1));
    // The level chips count every record of the run.
    expect(await page.locator("button.level-toggle[data-level=debug] .count").textContent()).toBe(String(fixture.counts.levels.debug));
    // Timeline; train_loss+val_loss and learning_rate over epoch, loss over step; memory, CPU, event-loop delay, heap.
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
  });

  it("draws the spans on lanes per category, with a second lane for overlapping ones", async () => {
    const lanes = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById("dashlog-data")?.textContent ?? "{}") as { timeline: { lanes: string[]; spans: unknown[] } };
      return { lanes: data.timeline.lanes, spans: data.timeline.spans.length };
    });
    expect(lanes).toEqual({ lanes: ["epoch", "data", "data (2)", "io"], spans: fixture.counts.spans });
  });

  it("filters the log table by level when a level is clicked", async () => {
    const { levels, events } = fixture.counts;
    const shownLevels = () => page.locator(".log-spacer .log-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset["level"]));
    await page.click("button.level-toggle[data-level=debug]");
    const shows = (text: string) => page.waitForFunction((t) => document.querySelector("#shown-count")?.textContent === t && !document.querySelector(".log-row.loading"), text);
    await shows(`${events - levels.debug} matching of ${events}`);
    expect(await shownLevels()).not.toContain("debug");
    await page.click("button.level-toggle[data-level=info]");
    const important = levels.warn + levels.error + levels.fatal;
    await shows(`${important} matching of ${events}`);
    expect((await shownLevels()).sort()).toEqual([...Array(levels.warn).fill("warn"), ...Array(levels.error).fill("error")].sort());
    await page.click("button.level-toggle[data-level=debug]");
    await page.click("button.level-toggle[data-level=info]");
    await shows(`showing ${events} of ${events}`);
  });

  it("shows a message containing </script> and HTML as text", async () => {
    expect(await page.title()).toBe(`${PREFIX} · dashlog report`);
    const cell = page.locator(".log-spacer .log-row .msg", { hasText: "Loss is" });
    expect(await cell.textContent()).toBe(HOSTILE_MESSAGE);
    expect(await page.locator(".log-table img, .log-table script").count()).toBe(0);
    expect(html.includes("</script><script>document.title")).toBe(false);
  });

  it("saves a screenshot as a test artifact", async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, "report.png");
    const png = await page.screenshot({ path, fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  });
});
