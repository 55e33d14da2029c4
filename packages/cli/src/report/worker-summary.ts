// Pure helpers about a joined run's workers, shared by the server (listing, lanes) and the
// page's bundle: no Node import here.

/** How many workers a run had, and how many ended (or are) in each status. */
export interface WorkerTally {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

/** Statuses in the order a summary names them: the done ones first, then what went wrong, then what still runs. */
const STATUS_ORDER = ["COMPLETED", "FAILED", "CRASHED", "RUNNING"];

export function tallyWorkers(statuses: Iterable<string>): WorkerTally {
  const byStatus: Record<string, number> = {};
  let total = 0;
  for (const status of statuses) {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    total++;
  }
  return { total, byStatus };
}

/**
 * `3/4 completed, 1 crashed`: completed out of all first (what a person checks), then every
 * other status with its count. `4/4 completed` when all did.
 */
export function workersText(tally: WorkerTally): string {
  const done = tally.byStatus["COMPLETED"] ?? 0;
  const rank = (s: string) => {
    const i = STATUS_ORDER.indexOf(s);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  const others = Object.entries(tally.byStatus)
    .filter(([status, n]) => status !== "COMPLETED" && n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, n]) => `${n} ${status.toLowerCase()}`);
  return [`${done}/${tally.total} completed`, ...others].join(", ");
}

/** Workers in the order people number them: `2` before `10`, `rank-2` before `rank-10`. */
export function compareWorkers(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}
