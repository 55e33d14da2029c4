import type { ExperimentListing } from "../src/report/report-data.js";
import type { Api } from "./api-source.js";
import { el } from "./dom.js";
import { fmtDuration, fmtTime, grouped } from "./format.js";
import { workersText } from "../src/report/worker-summary.js";

interface Folder {
  readonly folders: Map<string, Folder>;
  readonly experiments: ExperimentListing[];
}

const REFRESH_MS = 2000;

/** Every experiment as a tree by prefix segment, with status and counts, refreshed every two seconds. */
export async function homePage(app: HTMLElement, api: Api): Promise<void> {
  const header = el("header", "top");
  header.appendChild(el("h1", "prefix", "Experiments"));
  const tools = el("div", "toolbar");
  const search = el("input", "search");
  search.type = "search";
  search.placeholder = "Search prefixes…";
  search.setAttribute("aria-label", "Search prefixes");
  tools.appendChild(search);
  const compare = el("button", "compare-button", "Compare ticked runs");
  compare.type = "button";
  compare.id = "compare";
  compare.disabled = true;
  tools.appendChild(compare);
  header.appendChild(tools);
  app.appendChild(header);
  const tree = el("div", "tree");
  tree.id = "tree";
  app.appendChild(tree);
  const ticked = new Set<string>();
  let listing: readonly ExperimentListing[] = [];

  compare.addEventListener("click", () => {
    location.href = api.url("/compare", { p: [...ticked] });
  });
  const draw = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = listing.filter((e) => needle === "" || e.prefix.toLowerCase().includes(needle));
    const root: Folder = { folders: new Map(), experiments: [] };
    for (const e of shown) {
      const parts = e.prefix.split("/");
      let folder = root;
      for (const part of parts.slice(0, -1)) {
        let child = folder.folders.get(part);
        if (child === undefined) folder.folders.set(part, (child = { folders: new Map(), experiments: [] }));
        folder = child;
      }
      folder.experiments.push(e);
    }
    tree.replaceChildren(shown.length === 0 ? el("p", "empty", listing.length === 0 ? "No experiments here yet." : "No prefix matches.") : folderElement(root, ""));
    compare.disabled = ticked.size < 2;
  };
  const folderElement = (folder: Folder, path: string): HTMLElement => {
    const list = el("ul", "tree-list");
    for (const [name, child] of [...folder.folders].sort(([a], [b]) => a.localeCompare(b))) {
      const item = el("li", "tree-folder");
      const details = el("details");
      details.open = true;
      details.appendChild(el("summary", null, `${name}/`));
      details.appendChild(folderElement(child, `${path}${name}/`));
      item.appendChild(details);
      list.appendChild(item);
    }
    for (const e of folder.experiments) list.appendChild(experimentRow(e));
    return list;
  };
  const experimentRow = (e: ExperimentListing): HTMLElement => {
    const item = el("li", "tree-exp");
    item.dataset["prefix"] = e.prefix;
    const tick = el("input");
    tick.type = "checkbox";
    tick.checked = ticked.has(e.prefix);
    tick.setAttribute("aria-label", `compare ${e.prefix}`);
    tick.addEventListener("change", () => {
      if (tick.checked) ticked.add(e.prefix);
      else ticked.delete(e.prefix);
      compare.disabled = ticked.size < 2;
    });
    item.appendChild(tick);
    const link = el("a", "exp-link", e.prefix.split("/").at(-1) ?? e.prefix);
    link.href = api.url("/run", { p: e.prefix });
    item.appendChild(link);
    item.appendChild(el("span", `status small status-${e.status.toLowerCase()}`, e.status));
    if (e.workers !== undefined) {
      // A joined run: how its workers ended, the failed or crashed ones counted first after the completed.
      const bad = (e.workers.byStatus["FAILED"] ?? 0) + (e.workers.byStatus["CRASHED"] ?? 0) > 0;
      item.appendChild(el("span", `workers-tally${bad ? " bad" : ""}`, `${e.workers.total} workers: ${workersText(e.workers)}`));
    }
    const started = e.startedAt === null ? null : Date.parse(e.startedAt);
    const ended = e.endedAt === null ? null : Date.parse(e.endedAt);
    const facts = [
      started === null ? "never started" : `started ${fmtTime(started)} UTC`,
      started !== null && ended !== null ? `took ${fmtDuration(ended - started)}` : "",
      `${grouped(e.records)} records`,
      e.runs > 1 ? `${e.runs} runs` : "",
    ].filter((f) => f !== "");
    item.appendChild(el("span", "facts", facts.join(" · ")));
    return item;
  };
  search.addEventListener("input", draw);
  const load = async () => {
    listing = await api.experiments();
    draw();
  };
  await load();
  document.documentElement.dataset["ready"] = "true";
  setInterval(() => void load().catch(() => {}), REFRESH_MS);
}
