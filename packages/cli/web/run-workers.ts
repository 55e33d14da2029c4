import type { ReportRun, ReportWorker } from "../src/report/report-data.js";
import { tallyWorkers, workersText } from "../src/report/worker-summary.js";
import { el } from "./dom.js";
import { fmtDuration, fmtTime, grouped } from "./format.js";

const BAD = new Set(["FAILED", "CRASHED"]);

/** `3/4 completed, 1 crashed` for a joined run's header line. */
export function workersLine(run: ReportRun): string | null {
  if (run.workers === undefined) return null;
  return `${run.workers.length} workers: ${workersText(tallyWorkers(run.workers.map((w) => w.status)))}`;
}

/**
 * A joined run's workers, one row each: status (CRASHED beside the stored RUNNING), start,
 * end, log records, the sequence numbers it reserved and those it stated unused, and why it
 * failed or crashed. A failed or crashed worker's row is marked.
 */
export function workersTable(run: ReportRun): HTMLElement | null {
  if (run.workers === undefined) return null;
  const wrap = el("div", "workers");
  wrap.id = "workers";
  const table = el("table", "grid workers-table");
  const head = el("tr");
  for (const [label, cls] of [["worker", null], ["status", null], ["started (UTC)", null], ["ended (UTC)", null], ["duration", "num"], ["log records", "num"], ["sequence numbers", null], ["error", null]] as const) {
    head.appendChild(el("th", cls, label));
  }
  table.appendChild(el("thead")).appendChild(head);
  const body = el("tbody");
  for (const w of run.workers) body.appendChild(workerRow(w));
  table.appendChild(body);
  wrap.appendChild(table);
  return wrap;
}

function workerRow(w: ReportWorker): HTMLElement {
  const tr = el("tr", BAD.has(w.status) ? "worker-bad" : null);
  tr.dataset["worker"] = w.worker;
  tr.dataset["status"] = w.status;
  tr.appendChild(el("td", "mono worker-name", w.worker));
  const status = el("td");
  status.appendChild(el("span", `status small status-${w.status.toLowerCase()}`, w.status));
  if (w.storedStatus !== w.status) status.appendChild(el("span", "stored", ` stored ${w.storedStatus}`));
  tr.appendChild(status);
  const started = Date.parse(w.startedAt);
  const ended = w.endedAt === null ? null : Date.parse(w.endedAt);
  tr.appendChild(el("td", "mono", fmtTime(started)));
  tr.appendChild(el("td", "mono", ended === null ? (w.status === "RUNNING" ? "running" : "never recorded") : fmtTime(ended)));
  tr.appendChild(el("td", "num", ended === null ? "–" : fmtDuration(ended - started)));
  tr.appendChild(el("td", "num records", w.records === null ? "–" : grouped(w.records)));
  tr.appendChild(el("td", "numbers", numbersText(w)));
  const why = w.crashReason ?? (w.error === null ? "" : `${w.error.name}: ${w.error.message}`);
  tr.appendChild(el("td", "err", why));
  return tr;
}

/** What became of the numbers the worker reserved: all used, some stated unused, or unknown (it crashed); and any it took but never recorded. */
function numbersText(w: ReportWorker): string {
  return w.unrecorded === null ? reservedText(w) : `${reservedText(w)}; ${unrecordedText(w.unrecorded)}`;
}

function reservedText(w: ReportWorker): string {
  const reserved = `${grouped(w.reserved.numbers)} reserved in ${w.reserved.blocks} block${w.reserved.blocks === 1 ? "" : "s"}`;
  if (w.unused === null) return w.status === "RUNNING" ? reserved : `${reserved}; unused ones not stated (it never recorded its end)`;
  const count = w.unused.reduce((n, r) => n + r.count, 0);
  if (count === 0) return `${reserved}; every one used`;
  return `${reserved}; ${grouped(count)} unused: ${rangesText(w.unused)}`;
}

function unrecordedText(unrecorded: NonNullable<ReportWorker["unrecorded"]>): string {
  const count = unrecorded.ranges.reduce((n, r) => n + r.count, 0);
  const shared = unrecorded.sharedWith.length === 0 ? "" : ` (shared out with ${unrecorded.sharedWith.join(", ")}: which of them took which cannot be told)`;
  return `${grouped(count)} taken but never recorded (killed between reserving and recording): ${rangesText(unrecorded.ranges)}${shared}`;
}

function rangesText(ranges: readonly { readonly first: number; readonly count: number }[]): string {
  return ranges.map((r) => (r.count === 1 ? `#${r.first}` : `#${r.first}–${r.first + r.count - 1}`)).join(", ");
}
