import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "@dashlog/test-browser";
import { PREFIX } from "./million-run.js";

const BENCH_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface LiveTiming {
  readonly viewers: number;
  readonly markers: number;
  /** Record timestamp to the row showing, per viewer and marker. */
  readonly latenciesMs: number[];
  /** Markers some viewer never showed. */
  readonly missed: number;
}

/**
 * `viewers` pages on the run while another process logs `markers` records, one every
 * `everyMs`. Each page looks every 50 ms and notes when a marker first shows in its table.
 */
export async function liveViewers(browser: Browser, url: string, root: string, viewers: number, markers: number, everyMs: number, label: string): Promise<LiveTiming> {
  const pages: Page[] = [];
  for (let i = 0; i < viewers; i++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("html[data-ready=true]", { timeout: 600_000 });
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { seen: Record<string, number> }).seen = seen;
      const look = () => {
        for (const row of Array.from(document.querySelectorAll(".log-spacer .log-row[data-seq]")).slice(0, 5)) {
          const text = row.querySelector(".msg")?.textContent ?? "";
          if (text.startsWith("marker ") && seen[text] === undefined) {
            const time = row.querySelector(".time")?.textContent ?? "";
            seen[text] = Date.now() - Date.parse(`${time.replace(" ", "T")}Z`);
          }
        }
      };
      // A timer, not requestAnimationFrame: twenty pages asking for frames nonstop would measure the
      // compositor, not the dashboard.
      setInterval(look, 50);
    });
    pages.push(page);
  }
  await writeMarkers(root, markers, everyMs, label);
  await new Promise((r) => setTimeout(r, 3000));
  const latenciesMs: number[] = [];
  let missed = 0;
  for (const page of pages) {
    const seen = await page.evaluate(() => (window as unknown as { seen: Record<string, number> }).seen);
    for (let i = 0; i < markers; i++) {
      const ms = seen[markerText(label, i)];
      if (ms === undefined) missed++;
      else latenciesMs.push(ms);
    }
    await page.context().close();
  }
  return { viewers, markers, latenciesMs, missed };
}

/** A marker's message: `label` keeps apart the markers of earlier measurements on the same run (a baseline's). */
export function markerText(label: string, i: number): string {
  return `marker ${label} ${i}`;
}

/** Another process logs `markers` records to the run, one every `everyMs`, each flushed before the pause. */
export function writeMarkers(root: string, markers: number, everyMs: number, label: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const source = `
      import { Experiment } from "@dashlog/core";
      import { localJsonl } from "@dashlog/local-jsonl";
      await new Experiment({ prefix: ${JSON.stringify(PREFIX)}, sink: localJsonl({ root: ${JSON.stringify(root)} }) }).run(async (exp) => {
        for (let i = 0; i < ${markers}; i++) {
          exp.log(${JSON.stringify(`marker ${label} `)} + i);
          await exp.flush();
          await new Promise((r) => setTimeout(r, ${everyMs}));
        }
      });`;
    execFile(process.execPath, ["--input-type=module", "-e", source], { cwd: BENCH_DIR }, (error, _out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve()));
  });
}
