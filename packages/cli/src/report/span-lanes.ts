export interface LaneInput {
  readonly category: string;
  readonly start: number;
  readonly end: number;
}

/**
 * One lane per category, plus extra lanes (`io (2)`) for spans that overlap an earlier one
 * of the same category without nesting inside it, so no bar hides another.
 * Returns the lane names and each span's lane index, in input order.
 */
export function assignLanes(spans: readonly LaneInput[]): { lanes: string[]; laneOf: number[] } {
  // Longer first on equal starts: a parent takes the lane before its children, which nest under it.
  const order = spans
    .map((_, i) => i)
    .sort((a, b) => (spans[a] as LaneInput).start - (spans[b] as LaneInput).start || (spans[b] as LaneInput).end - (spans[a] as LaneInput).end);
  const lanes: string[] = [];
  // Per category: for each of its lanes, the stack of open spans' ends (nested spans share a lane).
  const byCategory = new Map<string, { lane: number; ends: number[] }[]>();
  const laneOf: number[] = new Array<number>(spans.length).fill(0);
  for (const i of order) {
    const span = spans[i] as LaneInput;
    let rows = byCategory.get(span.category);
    if (rows === undefined) byCategory.set(span.category, (rows = []));
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
      lanes.push(rows.length === 0 ? span.category : `${span.category} (${rows.length + 1})`);
      rows.push({ lane, ends: [span.end] });
      laneOf[i] = lane;
    }
  }
  // Keep a category's extra lanes right under its first one.
  const ordered: number[] = [];
  for (const rows of byCategory.values()) for (const row of rows) ordered.push(row.lane);
  const renumber = new Map(ordered.map((lane, index) => [lane, index]));
  return { lanes: ordered.map((lane) => lanes[lane] as string), laneOf: laneOf.map((lane) => renumber.get(lane) as number) };
}
