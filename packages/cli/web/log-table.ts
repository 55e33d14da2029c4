import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from "@tanstack/virtual-core";
import type { Level } from "@dashlog/core";
import type { LogPage, LogQuery, ReportLogRow } from "../src/report/report-data.js";
import { el } from "./dom.js";
import { fmtTime, grouped } from "./format.js";
import { LEVELS } from "./levels.js";
import { isFiltered, type RunSource } from "./run-source.js";
import { compareWorkers } from "../src/report/worker-summary.js";

const ROW_PX = 24;
/** Rows fetched at a time for the unfiltered table; blocks are addressed by log order, so new records never move them. */
const BLOCK = 200;
const PAGE = 200;
/**
 * Above this many rows, the list's scroll range follows a growing run every RESYNC_MS, or at
 * the reader's next scroll, rather than on every record: TanStack Virtual lays out every row
 * again when the count changes (about 100 ms for a million), and a page that only follows the
 * newest rows never needs the range of the oldest (rows are drawn from the newest either way).
 */
const LARGE = 50_000;
const RESYNC_MS = 30_000;

export interface LogTable {
  /** Level counts of the whole run (not of the rows loaded), for the chips. */
  setCounts(levels: Readonly<Record<Level, number>>, total: number): void;
  /**
   * A joined run's workers with their record counts, and those that failed or crashed: the
   * table gains a worker column and a worker filter once there is one.
   */
  setWorkers(workers: readonly { readonly worker: string; readonly records: number }[], bad: ReadonlySet<string>): void;
  /** Rows the live feed brought (oldest first, ending at the newest record): shown without a request. */
  prime(page: LogPage): void;
  /** The run has new records. */
  refresh(): void;
}

/**
 * The log table: newest first, virtualised (TanStack Virtual renders only the rows in view),
 * filtered by level, worker, text and time range on the source (the server, or the report's rows).
 * Without a filter any row is one block read away; with one, pages follow a cursor.
 */
export function logTable(parent: HTMLElement, source: RunSource): LogTable {
  const hidden = new Set<Level>();
  const hiddenWorkers = new Set<string>();
  let workerNames: string[] = [];
  let text = "";
  let since: number | undefined;
  let until: number | undefined;
  let total = 0;
  let follow = true;
  // Unfiltered: rows by log order, in blocks. Filtered: the matches loaded so far and the cursor.
  const blocks = new Map<number, (ReportLogRow | undefined)[]>();
  const pending = new Set<number>();
  let matches: ReportLogRow[] = [];
  let next: string | null = null;
  let loading = false;
  let generation = 0;
  let selected: ReportLogRow | undefined;

  const query = (): LogQuery => ({
    levels: hidden.size === 0 ? undefined : LEVELS.filter((l) => !hidden.has(l)),
    workers: hiddenWorkers.size === 0 ? undefined : workerNames.filter((w) => !hiddenWorkers.has(w)),
    text: text === "" ? undefined : text,
    since,
    until,
  });

  // ---- toolbar
  const toolbar = el("div", "toolbar");
  const chips = el("div", "level-filters");
  chips.setAttribute("role", "group");
  chips.setAttribute("aria-label", "Show levels");
  const chipCount = new Map<Level, HTMLElement>();
  for (const level of LEVELS) {
    const b = el("button", `level-toggle lvl-${level}`);
    b.type = "button";
    b.dataset["level"] = level;
    b.setAttribute("aria-pressed", "true");
    b.appendChild(el("span", "dot"));
    b.appendChild(document.createTextNode(`${level} `));
    const count = el("span", "count", "0");
    chipCount.set(level, count);
    b.appendChild(count);
    b.addEventListener("click", () => {
      if (hidden.has(level)) hidden.delete(level);
      else hidden.add(level);
      b.setAttribute("aria-pressed", hidden.has(level) ? "false" : "true");
      restart();
    });
    chips.appendChild(b);
  }
  toolbar.appendChild(chips);
  // Filled by setWorkers once the run turns out to have workers.
  const workerChips = el("div", "worker-filters");
  workerChips.setAttribute("role", "group");
  workerChips.setAttribute("aria-label", "Show workers");
  workerChips.hidden = true;
  const workerCount = new Map<string, HTMLElement>();
  toolbar.appendChild(workerChips);
  const search = el("input", "search");
  search.type = "search";
  search.placeholder = "Filter messages and metadata…";
  search.setAttribute("aria-label", "Filter messages and metadata");
  let debounce: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      text = search.value.trim();
      restart();
    }, 150);
  });
  toolbar.appendChild(search);
  const timeInput = (label: string, set: (ms: number | undefined) => void) => {
    const wrap = el("label", "time-filter", `${label} `);
    const input = el("input");
    input.type = "datetime-local";
    input.step = "0.001";
    input.name = label;
    input.setAttribute("aria-label", `${label} (UTC)`);
    input.addEventListener("change", () => {
      const ms = input.value === "" ? Number.NaN : Date.parse(`${input.value}Z`);
      set(Number.isNaN(ms) ? undefined : ms);
      restart();
    });
    wrap.appendChild(input);
    toolbar.appendChild(wrap);
  };
  timeInput("from", (ms) => (since = ms));
  timeInput("to", (ms) => (until = ms));
  if (source.live) {
    const label = el("label", "follow", " follow");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.id = "follow";
    box.addEventListener("change", () => {
      follow = box.checked;
      if (follow) scroller.scrollTop = 0;
    });
    label.prepend(box);
    toolbar.appendChild(label);
  }
  const shown = el("span", "shown");
  shown.id = "shown-count";
  toolbar.appendChild(shown);
  parent.appendChild(toolbar);
  if (source.omittedRows > 0) {
    parent.appendChild(el("p", "note", `${grouped(source.omittedRows)} records are not in this page (warnings and errors are kept first, then the latest). Raise --max-rows to include more.`));
  }

  // ---- table
  const table = el("div", "log-table");
  table.setAttribute("role", "table");
  const head = el("div", "log-row log-head");
  head.setAttribute("role", "row");
  for (const [label, cls] of [["#", "seq"], ["time (UTC)", "time"], ["level", "level"], ["message", "msg"], ["metadata", "meta"]] as const) {
    const cell = el("div", cls, label);
    cell.setAttribute("role", "columnheader");
    head.appendChild(cell);
  }
  const workerHead = el("div", "worker", "worker");
  workerHead.setAttribute("role", "columnheader");
  table.appendChild(head);
  const scroller = el("div", "log-scroll");
  const spacer = el("div", "log-spacer");
  scroller.appendChild(spacer);
  table.appendChild(scroller);
  parent.appendChild(table);
  const detail = el("div", "log-detail");
  detail.hidden = true;
  parent.appendChild(detail);

  const filtered = () => isFiltered(query());
  const count = () => (filtered() ? matches.length + (next !== null || loading ? 1 : 0) : total);

  const virtualizer = new Virtualizer<HTMLDivElement, HTMLDivElement>({
    count: 0,
    getScrollElement: () => scroller,
    estimateSize: () => ROW_PX,
    overscan: 12,
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    onChange: () => render(),
  });
  virtualizer._didMount();

  const rowAt = (index: number): ReportLogRow | "loading" => {
    if (filtered()) {
      if (index < matches.length) return matches[index] as ReportLogRow;
      void loadMore();
      return "loading";
    }
    const ordinal = total - 1 - index;
    const block = Math.floor(ordinal / BLOCK);
    const row = blocks.get(block)?.[ordinal - block * BLOCK];
    if (row !== undefined) return row;
    void loadBlock(block);
    return "loading";
  };

  // Rows drawn last time, by sequence number: a live update or a scroll by a few rows moves
  // them instead of building them again (most of a redraw was creating rows already shown).
  let drawn = new Map<number, HTMLElement>();
  function render(): void {
    spacer.style.height = `${virtualizer.getTotalSize()}px`;
    const rows: HTMLElement[] = [];
    const kept = new Map<number, HTMLElement>();
    for (const item of virtualizer.getVirtualItems()) {
      const row = rowAt(item.index);
      let line: HTMLElement;
      if (row === "loading") line = loadingRow();
      else {
        const reuse = kept.has(row[0]) ? undefined : drawn.get(row[0]);
        line = reuse ?? rowElement(row);
        if (!kept.has(row[0])) kept.set(row[0], line);
      }
      line.style.transform = `translateY(${item.start}px)`;
      rows.push(line);
    }
    drawn = kept;
    spacer.replaceChildren(...rows);
    shown.textContent = filtered()
      ? `${grouped(matches.length)}${next !== null ? "+" : ""} matching of ${grouped(total)}`
      : `showing ${grouped(total)} of ${grouped(total)}`;
  }

  function rowElement(r: ReportLogRow): HTMLElement {
    const line = el("div", `log-row lvl-${r[2]}`);
    line.setAttribute("role", "row");
    line.dataset["level"] = r[2];
    line.dataset["seq"] = String(r[0]);
    line.appendChild(el("div", "seq", r[0]));
    line.appendChild(el("div", "time", fmtTime(r[1], true)));
    const level = el("div", "level");
    level.appendChild(el("span", `badge lvl-${r[2]}`, r[2]));
    line.appendChild(level);
    if (workerNames.length > 0) {
      line.dataset["worker"] = r[5] ?? "";
      line.appendChild(el("div", "worker", r[5] ?? ""));
    }
    line.appendChild(el("div", "msg", r[3]));
    line.appendChild(metadataCell(r[4]));
    if (selected !== undefined && selected[0] === r[0]) line.classList.add("selected");
    line.addEventListener("click", () => select(r));
    return line;
  }

  function select(r: ReportLogRow): void {
    selected = r;
    drawn.clear();
    detail.hidden = false;
    detail.replaceChildren(
      el("div", "detail-head", `#${r[0]} · ${fmtTime(r[1], true)} UTC · ${r[2]}${r[5] === undefined ? "" : ` · worker ${r[5]}`}`),
      el("pre", "detail-msg", r[3]),
      el("pre", "detail-meta", r[4] === null ? "no metadata" : JSON.stringify(JSON.parse(r[4]), null, 2)),
    );
    render();
  }

  async function loadBlock(block: number): Promise<void> {
    if (pending.has(block)) return;
    pending.add(block);
    const gen = generation;
    try {
      const page = await source.logRange(block * BLOCK, BLOCK);
      if (gen !== generation) return;
      const rows: (ReportLogRow | undefined)[] = [];
      for (const row of page.rows) rows.push(row);
      // A block still being written to stays incomplete: the next refresh drops it and reads it again.
      blocks.set(block, rows);
      render();
    } finally {
      pending.delete(block);
    }
  }

  async function loadMore(): Promise<void> {
    if (loading || (next === null && matches.length > 0)) return;
    loading = true;
    const gen = generation;
    try {
      const q = query();
      // Every level or every worker hidden: nothing can match (and an empty list would ask for no filter at all).
      const page = q.levels?.length === 0 || q.workers?.length === 0 ? { rows: [], total, next: null } : await source.logSearch(q, next, PAGE);
      if (gen !== generation) return;
      matches = matches.concat(page.rows);
      next = page.next;
      total = page.total;
    } finally {
      if (gen === generation) {
        loading = false;
        virtualizer.setOptions({ ...virtualizer.options, count: count() });
        virtualizer._willUpdate();
        render();
      }
    }
  }

  function restart(): void {
    generation++;
    drawn.clear();
    matches = [];
    next = null;
    loading = false;
    scroller.scrollTop = 0;
    if (filtered()) void loadMore();
    resize();
  }

  // The virtual list lays out every row again when its count changes: cheap for thousands,
  // tens of milliseconds for a million. Rows are drawn from `total` at once either way (newest
  // first, row 0 is always the newest); only the scroll range may lag, until the reader scrolls
  // or RESYNC_MS passed.
  let synced = 0;
  let resync: ReturnType<typeof setTimeout> | undefined;
  scroller.addEventListener(
    "scroll",
    () => {
      if (resync === undefined) return;
      synced = 0;
      resize();
    },
    { passive: true },
  );
  function resize(): void {
    const wanted = count();
    const now = Date.now();
    if (wanted < LARGE || now - synced >= RESYNC_MS || virtualizer.options.count === 0) {
      clearTimeout(resync);
      resync = undefined;
      synced = now;
      virtualizer.setOptions({ ...virtualizer.options, count: wanted });
      virtualizer._willUpdate();
    } else {
      resync ??= setTimeout(() => {
        resync = undefined;
        resize();
      }, RESYNC_MS);
    }
    render();
  }

  return {
    setCounts(levels, newTotal) {
      for (const level of LEVELS) (chipCount.get(level) as HTMLElement).textContent = grouped(levels[level]);
      const added = newTotal - total;
      if (added === 0) return;
      const newestBlock = Math.max(0, Math.floor((total - 1) / BLOCK));
      total = newTotal;
      if (!filtered()) {
        // Blocks from the one that held the newest row on may have grown: keep those the live feed filled.
        for (let b = newestBlock; b * BLOCK < newTotal; b++) {
          const rows = blocks.get(b);
          if (rows === undefined) continue;
          const size = Math.min(BLOCK, newTotal - b * BLOCK);
          for (let i = 0; i < size; i++) {
            if (rows[i] === undefined) {
              blocks.delete(b);
              break;
            }
          }
        }
        // Newest first: rows arriving on top would push the view down; keep what the reader looks at still.
        if (!follow && added > 0 && scroller.scrollTop > 0) scroller.scrollTop += added * ROW_PX;
        resize();
        if (follow) scroller.scrollTop = 0;
      }
    },
    setWorkers(workers, bad) {
      const names = workers.map((w) => w.worker);
      if (workerNames.length === 0 && names.length > 0) {
        // The column appears: rows drawn without it are drawn again.
        table.classList.add("has-workers");
        head.insertBefore(workerHead, head.children[3] ?? null);
        workerChips.hidden = false;
        workerChips.appendChild(el("span", "label", "workers"));
        drawn.clear();
      }
      for (const { worker, records } of [...workers].sort((a, b) => compareWorkers(a.worker, b.worker))) {
        let count = workerCount.get(worker);
        if (count === undefined) {
          const b = el("button", "worker-toggle");
          b.type = "button";
          b.dataset["worker"] = worker;
          b.title = worker;
          b.setAttribute("aria-pressed", "true");
          b.appendChild(document.createTextNode(worker));
          count = el("span", "count");
          b.appendChild(count);
          b.addEventListener("click", () => {
            if (hiddenWorkers.has(worker)) hiddenWorkers.delete(worker);
            else hiddenWorkers.add(worker);
            b.setAttribute("aria-pressed", hiddenWorkers.has(worker) ? "false" : "true");
            restart();
          });
          workerCount.set(worker, count);
          // Kept in worker order as workers join a live run.
          const after = [...workerChips.querySelectorAll<HTMLElement>(".worker-toggle")].find((other) => compareWorkers(other.dataset["worker"] ?? "", worker) > 0);
          workerChips.insertBefore(b, after ?? null);
        }
        count.textContent = grouped(records);
        count.parentElement?.classList.toggle("bad", bad.has(worker));
      }
      const grew = names.some((n) => !workerNames.includes(n));
      workerNames = [...new Set([...workerNames, ...names])];
      if (grew) render();
    },
    prime(page) {
      const first = page.total - page.rows.length;
      page.rows.forEach((row, i) => {
        const ordinal = first + i;
        const block = Math.floor(ordinal / BLOCK);
        let rows = blocks.get(block);
        if (rows === undefined) blocks.set(block, (rows = []));
        rows[ordinal - block * BLOCK] = row;
      });
    },
    refresh() {
      if (filtered() && follow) restart();
    },
  };
}

function loadingRow(): HTMLElement {
  const line = el("div", "log-row loading");
  line.appendChild(el("div", "msg", "…"));
  return line;
}

/** Metadata as `key value` pairs, each a text node; the full JSON is in the detail pane. */
function metadataCell(json: string | null): HTMLElement {
  const cell = el("div", "meta");
  if (json === null) return cell;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    cell.textContent = json;
    return cell;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    cell.textContent = json;
    return cell;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const pair = el("span", "kv");
    pair.appendChild(el("span", "k", key));
    pair.appendChild(el("span", "v", typeof v === "string" ? v : JSON.stringify(v)));
    cell.appendChild(pair);
  }
  return cell;
}
