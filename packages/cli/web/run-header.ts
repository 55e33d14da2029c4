import type { ReportTimeline, RunOverview } from "../src/report/report-data.js";
import { el } from "./dom.js";
import { fmtClock, fmtDuration, fmtTime, grouped, plural } from "./format.js";
import { LEVELS } from "./levels.js";
import { workersLine, workersTable } from "./run-workers.js";

/** The prefix, status and facts of the latest run, and the summary cards; redrawn on every live update. */
export function renderHeader(target: HTMLElement, o: RunOverview, timeline: ReportTimeline | undefined): void {
  const header = el("header", "top");
  const crumbs = el("h1", "prefix");
  o.prefix.split("/").forEach((part, i, parts) => {
    if (i > 0) crumbs.appendChild(el("span", "sep", "/"));
    crumbs.appendChild(el("span", i === parts.length - 1 ? "leaf" : "seg", part));
  });
  header.appendChild(crumbs);
  const line = el("div", "headline");
  const badge = el("span", `status status-${o.status.toLowerCase()}`, o.status);
  badge.id = "status";
  line.appendChild(badge);
  const run = o.runs.at(-1);
  const facts: string[] = [];
  if (run !== undefined) {
    const started = Date.parse(run.startedAt);
    const ended = run.endedAt === null ? null : Date.parse(run.endedAt);
    facts.push(`started ${fmtTime(started)} UTC`);
    if (ended !== null) facts.push(`took ${fmtDuration(ended - started)}`);
    else if (o.status === "RUNNING") facts.push("still running");
    if (o.runs.length > 1) facts.push(`run ${o.runs.length} of ${o.runs.length}`);
    const workers = workersLine(run);
    if (workers !== null) facts.push(workers);
    else if (run.hostname !== null) facts.push(`on ${run.hostname}${run.pid !== null ? ` (pid ${run.pid})` : ""}`);
  }
  line.appendChild(el("span", "facts", facts.join(" · ")));
  header.appendChild(line);
  // A joined run's error names its failed or crashed workers; a run of its own says why it crashed.
  if (run?.workers !== undefined && run.error) header.appendChild(el("p", "run-error", `${run.error.name}: ${run.error.message}`));
  else if (run?.crashReason) header.appendChild(el("p", "run-error", `Crashed: ${run.crashReason}`));
  else if (run?.error) header.appendChild(el("p", "run-error", `${run.error.name}: ${run.error.message}`));

  const cards = el("section", "summary");
  cards.id = "summary";
  const sum = o.summary;
  const card = (label: string, value: string, detail: HTMLElement | null, extra?: string) => {
    const c = el("div", `card${extra ? ` ${extra}` : ""}`);
    c.appendChild(el("div", "card-label", label));
    c.appendChild(el("div", "card-value", value));
    if (detail !== null) c.appendChild(detail);
    cards.appendChild(c);
  };
  const chips = el("div", "chips");
  for (const level of LEVELS) {
    if (!sum.levels[level]) continue;
    const chip = el("span", `chip lvl-${level}`);
    chip.appendChild(el("b", null, grouped(sum.levels[level])));
    chip.appendChild(document.createTextNode(` ${level}`));
    chips.appendChild(chip);
  }
  if (sum.parsed < sum.records) {
    // A large run is counted at once and read in the background; the counts and charts fill in.
    chips.appendChild(el("span", "chip reading", `reading… ${Math.floor((sum.parsed / sum.records) * 100)} %`));
  }
  card("Log records", grouped(sum.records), chips);
  const span = sum.firstTime !== null && sum.lastTime !== null ? sum.lastTime - sum.firstTime : null;
  card("Time span", fmtDuration(span), el("div", "card-detail", `${fmtTime(sum.firstTime)} → ${sum.lastTime !== null ? fmtClock(sum.lastTime) : "–"} UTC`));
  card("Streams", grouped(sum.streams.length), el("div", "card-detail", sum.streams.map((s) => `${s.name} ${grouped(s.records)}`).join(" · ")));
  const problems = sum.levels.error + sum.levels.fatal;
  card(
    "Errors",
    grouped(problems),
    el("div", "card-detail", `${plural(sum.levels.warn, "warning")}${sum.unreadable ? ` · ${plural(sum.unreadable, "unreadable line")}` : ""}`),
    problems > 0 ? "bad" : "good",
  );
  if (timeline !== undefined) {
    card("Spans", grouped(timeline.spans.length), el("div", "card-detail", `${plural(timeline.lanes.length, "lane")}${timeline.source !== null ? ` · from ${timeline.source}` : ""}`));
  }
  const workersPart = run === undefined ? null : workersTable(run);
  if (workersPart !== null) header.appendChild(workersPart);
  target.replaceChildren(header, cards);
}

/** Every run of the experiment when there is more than one. */
export function renderRuns(target: HTMLElement, o: RunOverview): void {
  target.hidden = o.runs.length < 2;
  if (target.hidden) return;
  const table = el("table", "grid runs");
  const head = el("tr");
  for (const h of ["run", "status", "started (UTC)", "duration", "sequence numbers", "error"]) head.appendChild(el("th", null, h));
  table.appendChild(el("thead")).appendChild(head);
  const body = el("tbody");
  for (const run of o.runs) {
    const tr = el("tr");
    const started = Date.parse(run.startedAt);
    const runCell = el("td", "mono", run.runId);
    // A joined run: how its workers ended, beside its id.
    const workers = workersLine(run);
    if (workers !== null) runCell.appendChild(el("div", "run-workers", workers));
    tr.appendChild(runCell);
    const st = el("td");
    st.appendChild(el("span", `status small status-${run.status.toLowerCase()}`, run.status));
    tr.appendChild(st);
    tr.appendChild(el("td", "mono", fmtTime(started)));
    tr.appendChild(el("td", "num", run.endedAt !== null ? fmtDuration(Date.parse(run.endedAt) - started) : "–"));
    tr.appendChild(el("td", "num mono", `${run.firstSequenceNumber} – ${run.nextSequenceNumber !== null ? run.nextSequenceNumber - 1 : "…"}`));
    tr.appendChild(el("td", "err", run.error ? `${run.error.name}: ${run.error.message}` : ""));
    body.appendChild(tr);
  }
  table.appendChild(body);
  target.replaceChildren(el("h2", null, "Runs"), table);
}

/** Parameters, grouped by their dotted prefix, when the store has them. */
export function renderParameters(target: HTMLElement, o: RunOverview): void {
  target.hidden = o.parameters === null || Object.keys(o.parameters).length === 0;
  if (target.hidden || o.parameters === null) return;
  const table = el("table", "grid params");
  const body = el("tbody");
  for (const key of Object.keys(o.parameters).sort()) {
    const tr = el("tr");
    tr.appendChild(el("td", "mono", key));
    const value = o.parameters[key];
    tr.appendChild(el("td", "mono", typeof value === "string" ? value : JSON.stringify(value)));
    body.appendChild(tr);
  }
  table.appendChild(body);
  target.replaceChildren(el("h2", null, "Parameters"), table);
}
