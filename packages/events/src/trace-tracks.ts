/** A span placed on the trace's time axis, in µs. */
export interface PlacedSpan {
  readonly category: string;
  readonly ts: number;
  readonly dur: number;
}

export interface Track {
  readonly tid: number;
  readonly category: string;
  /** The category, or `category (2)`, ... for its overflow tracks. */
  readonly name: string;
}

/**
 * Puts each span on a track of its category. Trace viewers draw one thread's complete
 * events as a nested stack, so spans of a category that overlap without nesting (e.g.
 * concurrent I/O) go to an extra track of that category instead of being drawn wrongly.
 * `spans` must be sorted by `ts`, longer first on ties (parents before children).
 * Returns the tid of each span (same order) and the tracks, numbered 1, 2, ... grouped
 * by category in order of first appearance.
 */
export function assignTracks(spans: readonly PlacedSpan[]): { tids: number[]; tracks: Track[] } {
  const lanesByCategory = new Map<string, number[][]>();
  const lanes: number[] = new Array<number>(spans.length);
  spans.forEach((span, i) => {
    let categoryLanes = lanesByCategory.get(span.category);
    if (categoryLanes === undefined) {
      categoryLanes = [];
      lanesByCategory.set(span.category, categoryLanes);
    }
    const end = span.ts + span.dur;
    let lane = categoryLanes.findIndex((openEnds) => {
      // Spans that ended by now no longer enclose anything.
      while (openEnds.length > 0 && (openEnds.at(-1) as number) <= span.ts) openEnds.pop();
      return openEnds.length === 0 || (openEnds.at(-1) as number) >= end;
    });
    if (lane < 0) {
      lane = categoryLanes.length;
      categoryLanes.push([]);
    }
    categoryLanes[lane]?.push(end);
    lanes[i] = lane;
  });
  const tracks: Track[] = [];
  const firstTid = new Map<string, number>();
  for (const [category, categoryLanes] of lanesByCategory) {
    firstTid.set(category, tracks.length + 1);
    categoryLanes.forEach((_, lane) => {
      tracks.push({ tid: tracks.length + 1, category, name: lane === 0 ? category : `${category} (${lane + 1})` });
    });
  }
  const tids = spans.map((span, i) => (firstTid.get(span.category) as number) + (lanes[i] as number));
  return { tids, tracks };
}
