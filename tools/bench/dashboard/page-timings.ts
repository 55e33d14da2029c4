import type { Browser, Page } from "@dashlog/test-browser";

export interface PaintTiming {
  /** From navigation start to the header and the newest log rows drawn. */
  readonly firstPaintMs: number;
  /** ... and every chart drawn. */
  readonly chartsMs: number;
}

/** Opens the run page and times, from the page's own navigation start, when it is worth looking at. */
export async function paint(browser: Browser, url: string): Promise<{ page: Page; timing: PaintTiming }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url, { waitUntil: "commit" });
  const firstPaint = await page.waitForFunction(
    () => (document.querySelector("#summary") !== null && document.querySelector(".log-spacer .log-row[data-seq]") !== null ? performance.now() : false),
    null,
    { timeout: 600_000, polling: 10 },
  );
  const charts = await page.waitForFunction(() => (document.documentElement.dataset["ready"] === "true" ? performance.now() : false), null, { timeout: 600_000, polling: 10 });
  return { page, timing: { firstPaintMs: (await firstPaint.jsonValue()) as number, chartsMs: (await charts.jsonValue()) as number } };
}

export interface StepTimings {
  readonly levelFilterMs: number[];
  /** Typing in the text box, after its 150 ms debounce. */
  readonly textFilterMs: number[];
  /** ... until the search has been through all million records (the table keeps reading older pages). */
  readonly textFilterDoneMs: number[];
  readonly scrollMs: number[];
  readonly zoomMs: number[];
}

/** Interactions on an open run page, each timed in the page until the table or chart shows the result. */
export async function steps(page: Page, rounds: number, records: number): Promise<StepTimings> {
  const settled = () =>
    page.waitForFunction(() => document.querySelector(".log-row.loading") === null && document.querySelector(".log-spacer .log-row[data-seq]") !== null, null, { polling: 5, timeout: 120_000 });
  const timed = async (act: () => Promise<void>): Promise<number> => {
    const t0 = await page.evaluate(() => performance.now());
    await act();
    await settled();
    return (await page.evaluate(() => performance.now())) - t0;
  };
  const levelFilterMs: number[] = [];
  const textFilterMs: number[] = [];
  const textFilterDoneMs: number[] = [];
  const scrollMs: number[] = [];
  const zoomMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Everything but errors and warnings hidden, then shown again.
    levelFilterMs.push(await timed(async () => {
      await page.click("button.level-toggle[data-level=info]");
      await page.waitForFunction(() => document.querySelector("#shown-count")?.textContent?.includes("matching"));
    }));
    levelFilterMs.push(await timed(async () => {
      await page.click("button.level-toggle[data-level=info]");
      await page.waitForFunction(() => document.querySelector("#shown-count")?.textContent?.startsWith("showing"));
    }));
    // A message near the newest end, as someone looking for a recent step would type it.
    const needle = `step ${records - 1000 - r} done`;
    const t0 = await page.evaluate(() => performance.now());
    await page.fill(".toolbar input.search", needle);
    const shown = await page.waitForFunction((n) => (document.querySelector(".log-spacer .log-row .msg")?.textContent?.startsWith(n) === true ? performance.now() : false), needle, { polling: 5, timeout: 120_000 });
    textFilterMs.push(((await shown.jsonValue()) as number) - t0 - 150);
    await settled();
    textFilterDoneMs.push((await page.evaluate(() => performance.now())) - t0 - 150);
    await page.fill(".toolbar input.search", "");
    await page.waitForFunction(() => document.querySelector("#shown-count")?.textContent?.startsWith("showing"));
    for (const fraction of [0.5, 0.93, 0.1, 0.77]) {
      scrollMs.push(await timed(async () => {
        await page.evaluate((f) => {
          const s = document.querySelector(".log-scroll") as HTMLElement;
          s.scrollTop = (s.scrollHeight - s.clientHeight) * f;
        }, fraction);
        // Done when the row at the new top is the one that belongs there (24 px rows, newest first).
        await page.waitForFunction(
          () => {
            const s = document.querySelector(".log-scroll") as HTMLElement;
            const total = Number((document.querySelector("#shown-count")?.textContent ?? "").replace(/^showing ([\d,]+).*$/, "$1").replace(/,/g, ""));
            const want = String(total - 1 - Math.floor(s.scrollTop / 24));
            return document.querySelector(`.log-spacer .log-row[data-seq="${want}"]`) !== null;
          },
          null,
          { polling: 5, timeout: 120_000 },
        );
      }));
    }
    await page.evaluate(() => ((document.querySelector(".log-scroll") as HTMLElement).scrollTop = 0));
    for (const button of ["zoomIn", "zoomIn", "back", "reset"]) {
      zoomMs.push(
        await page.evaluate(async (b) => {
          const t = performance.now();
          (document.querySelector(`button[data-seek=${b}]`) as HTMLButtonElement).click();
          await new Promise((r) => requestAnimationFrame(() => r(undefined)));
          return performance.now() - t;
        }, button),
      );
    }
  }
  return { levelFilterMs, textFilterMs, textFilterDoneMs, scrollMs, zoomMs };
}

/**
 * Drag-zooms the first metadata chart to a few ranges and times, in the page, from the mouse
 * release until the chart draws the finer points the server read for the range (its
 * `data-detail` attribute names the range). Empty when the build has no such refetch.
 */
export async function chartZoomDetail(page: Page): Promise<number[]> {
  const chart = page.locator('[data-chart^="metadata-"]').first();
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.locator(".u-over").boundingBox();
  if (box === null) return [];
  const out: number[] = [];
  for (const [a, b] of [[0.3, 0.35], [0.6, 0.62], [0.1, 0.2], [0.8, 0.9]] as const) {
    await page.evaluate(() => (document.querySelector('[data-chart^="metadata-"]') as HTMLElement).removeAttribute("data-detail"));
    await page.mouse.move(box.x + box.width * a, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * b, box.y + box.height / 2, { steps: 4 });
    const t0 = await page.evaluate(() => performance.now());
    await page.mouse.up();
    try {
      const done = await page.waitForFunction(() => (document.querySelector('[data-chart^="metadata-"]')?.getAttribute("data-detail") ? performance.now() : false), null, { polling: 5, timeout: 20_000 });
      out.push(((await done.jsonValue()) as number) - t0);
    } catch {
      return out;
    }
    // Back to the whole run before the next range.
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  }
  return out;
}

export interface InPageSteps {
  readonly levelFilterMs: number[];
  readonly textFilterMs: number[];
}

/**
 * The level and text filters timed inside the page, from the click (or the input event) to
 * the first filtered rows drawn, with no Playwright action in between: `page.click` and
 * `page.fill` wait for the element to be stable over animation frames first, which on a loaded
 * machine costs more than the step itself. The text filter's 150 ms typing debounce is taken off.
 */
export async function inPageSteps(page: Page, rounds: number, records: number): Promise<InPageSteps> {
  const levelFilterMs: number[] = [];
  const textFilterMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 2; i++) {
      levelFilterMs.push(
        await page.evaluate(async () => {
          const shown = () => document.querySelector("#shown-count")?.textContent ?? "";
          const want = shown().startsWith("showing") ? "matching" : "showing";
          const t0 = performance.now();
          (document.querySelector("button.level-toggle[data-level=info]") as HTMLButtonElement).click();
          await new Promise<void>((resolve) => {
            const look = () => (shown().includes(want) && document.querySelector(".log-row.loading") === null && document.querySelector(".log-spacer .log-row[data-seq]") !== null ? resolve() : setTimeout(look, 2));
            look();
          });
          return performance.now() - t0;
        }),
      );
    }
    const needle = `step ${records - 2000 - r} done`;
    textFilterMs.push(
      await page.evaluate(async (n) => {
        const input = document.querySelector(".toolbar input.search") as HTMLInputElement;
        input.value = n;
        const t0 = performance.now();
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise<void>((resolve) => {
          const look = () => (document.querySelector(".log-spacer .log-row .msg")?.textContent?.startsWith(n) === true ? resolve() : setTimeout(look, 2));
          look();
        });
        const ms = performance.now() - t0 - 150;
        input.value = "";
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise<void>((resolve) => {
          const look = () => ((document.querySelector("#shown-count")?.textContent ?? "").startsWith("showing") && document.querySelector(".log-row.loading") === null ? resolve() : setTimeout(look, 2));
          look();
        });
        return ms;
      }, needle),
    );
  }
  return { levelFilterMs, textFilterMs };
}
