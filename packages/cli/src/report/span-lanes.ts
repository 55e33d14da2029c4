import { compareWorkers } from "./worker-summary.js";

export interface LaneInput {
  readonly category: string;
  readonly start: number;
  readonly end: number;
  /** The worker of a joined run whose span it is: its lanes are its own, named after it. */
  readonly worker?: string | undefined;
}

/** The lanes of the spans, and the worker of each lane (present only when some span has a worker). */
export interface LaneAssignment {
  lanes: string[];
  laneOf: number[];
  laneWorkers?: (string | null)[];
}

/**
 * One lane per category, plus extra lanes (`io (2)`) for spans that overlap an earlier one
 * of the same category without nesting inside it, so no bar hides another. In a joined run
 * every worker gets its own lanes, grouped together and in worker order (`0 · epoch`,
 * `0 · io`, `1 · epoch`, ...), as DaggerWebDash draws a row per processor; spans of records
 * without a worker come first, named as before.
 * Returns the lane names and each span's lane index, in input order.
 */
export function assignLanes(spans: readonly LaneInput[]): LaneAssignment {
  // Longer first on equal starts: a parent takes the lane before its children, which nest under it.
  const order = spans
    .map((_, i) => i)
    .sort((a, b) => (spans[a] as LaneInput).start - (spans[b] as LaneInput).start || (spans[b] as LaneInput).end - (spans[a] as LaneInput).end);
  const lanes: string[] = [];
  // Per worker and category: for each of its lanes, the stack of open spans' ends (nested spans share a lane).
  const byGroup = new Map<string, { worker: string | undefined; rows: { lane: number; ends: number[] }[] }>();
  const laneOf: number[] = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const span = spans[i] as LaneInput;
    const key = span.worker === undefined ? `\u0000${span.category}` : `${span.worker}\u0000${span.category}`;
    let group = byGroup.get(key);
    if (group === undefined) byGroup.set(key, (group = { worker: span.worker, rows: [] }));
    const rows = group.rows;
    let placed = false;
    for (const row of rows) {
      while (row.ends.length > 0 && (row.ends.at(-1) as number) <= span.start) row.ends.pop();
      const parentEnd = row.ends.at(-1);
      if (parentEnd === undefined || span.end <= parentEnd) {
        row.ends.push(span.end);
        laneOf[i] = row.lane;
        placed = true;
        break;
      }
    }
    if (!placed) {
      const lane = lanes.length;
      const name = rows.length === 0 ? span.category : `${span.category} (${rows.length + 1})`;
      lanes.push(span.worker === undefined ? name : `${span.worker} · ${name}`);
      rows.push({ lane, ends: [span.end] });
      laneOf[i] = lane;
    }
  }
  // Worker by worker (records without one first); within each, categories in the order they
  // first started, a category's extra lanes right under its first one.
  const groups = [...byGroup.values()];
  // null, not undefined: sort() would put undefined last without asking the comparison.
  const workers = [...new Set(groups.map((g) => g.worker ?? null))].sort((a, b) => (a === null ? -1 : b === null ? 1 : compareWorkers(a, b)));
  const ordered: number[] = [];
  const orderedWorkers: (string | null)[] = [];
  for (const worker of workers) {
    for (const group of groups) {
      if ((group.worker ?? null) !== worker) continue;
      for (const row of group.rows) {
        ordered.push(row.lane);
        orderedWorkers.push(worker);
      }
    }
  }
  const renumber = new Map(ordered.map((lane, index) => [lane, index]));
  const result: LaneAssignment = { lanes: ordered.map((lane) => lanes[lane] as string), laneOf: laneOf.map((lane) => renumber.get(lane) as number) };
  if (workers.some((w) => w !== null)) result.laneWorkers = orderedWorkers;
  return result;
}
