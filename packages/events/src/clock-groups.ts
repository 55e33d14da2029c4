/**
 * Spans of different processes have unrelated monotonic clocks (each `performance.now()`
 * starts near 0), but within one process `wall - monotonic` (the process's time origin)
 * is the same for every span, up to the 1 ms lost when the wall-clock start is stored
 * at millisecond precision. Sorting those offsets and splitting at gaps wider than this
 * separates the processes: sequential runs start seconds apart, and wall-clock
 * adjustments within a run move the offset far more slowly.
 */
export const CLOCK_GROUP_GAP_MS = 20;

/**
 * For each (wallMs, monotonicMs) pair, the index of its group's anchor: the pair with the
 * largest offset (flooring to ms only ever lowers an offset, so the largest is the closest
 * to the truth). A start on the wall clock is then `wall(anchor) + monotonic - monotonic(anchor)`.
 * Returns the anchors and the number of groups.
 */
export function alignClocks(pairs: readonly { readonly wallMs: number; readonly monotonicMs: number }[]): {
  anchors: number[];
  groups: number;
} {
  const order = pairs.map((p, i) => ({ i, offset: p.wallMs - p.monotonicMs })).sort((a, b) => a.offset - b.offset);
  const anchors = new Array<number>(pairs.length);
  let groups = 0;
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    const previous = order[k - 1] as { i: number; offset: number };
    const current = order[k];
    if (current !== undefined && current.offset - previous.offset <= CLOCK_GROUP_GAP_MS) continue;
    for (let j = start; j < k; j++) anchors[(order[j] as { i: number }).i] = previous.i;
    groups++;
    start = k;
  }
  return { anchors, groups };
}
