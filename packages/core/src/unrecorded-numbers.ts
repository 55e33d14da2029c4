import type { SequenceRange } from "./sink.js";
import type { WorkerPartState } from "./worker-parts.js";

/**
 * What the experiment's sequence counter says: where it stands, and how many numbers it handed
 * each worker (by run id, then worker), counted in the same atomic step that moved it.
 */
export interface SequenceCounterState {
  readonly next: number;
  readonly taken: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

interface Short {
  readonly runId: string;
  readonly worker: string;
  readonly missing: number;
  /** Its unrecorded numbers lie at or past this: past its last recorded block, or where it joined. */
  readonly from: number;
}

/**
 * True when some ended or crashed worker's count in the counter exceeds the blocks its part recorded: a reader
 * then needs the runs of their own (`stateUnrecordedNumbers`' `ownRuns`) to place the gap.
 */
export function anyUnrecordedNumbers(parts: ReadonlyMap<string, readonly WorkerPartState[]>, counter: SequenceCounterState | undefined): boolean {
  return counter !== undefined && shortParts(parts, counter).length > 0;
}

/**
 * Each part with `takenSequenceNumbers` from the counter and, for a worker that ended or crashed
 * (a live one may be between its two steps right now) whose count exceeds
 * the blocks it recorded, `unrecordedSequenceNumbers`: the numbers below the counter that no
 * recorded block of any part and no run of its own (`ownRuns`: `[first, next)` of each) covers,
 * taken in order from its last recorded block (or where it joined), as many as it is short.
 * The count is exact (the counter keeps it); where the numbers lie is found from the holes, so
 * when several workers fall short each part names the others (`unrecordedSharedWith`).
 */
export function stateUnrecordedNumbers<P extends WorkerPartState>(
  parts: ReadonlyMap<string, readonly P[]>,
  counter: SequenceCounterState | undefined,
  ownRuns: readonly SequenceRange[],
): Map<string, P[]> {
  if (counter === undefined) return new Map([...parts].map(([runId, list]) => [runId, [...list]]));
  const short = shortParts(parts, counter);
  const assigned = new Map<string, SequenceRange[]>();
  if (short.length > 0) {
    const covered = [...ownRuns, ...[...parts.values()].flatMap((list) => list.flatMap((p) => p.reserved))];
    let holes = complement(covered, counter.next);
    for (const s of [...short].sort((a, b) => a.from - b.from)) {
      const taken = takeFrom(holes, s.from, s.missing);
      assigned.set(key(s.runId, s.worker), taken);
      holes = complement([...covered, ...[...assigned.values()].flat()], counter.next);
    }
  }
  const name = (s: Short, runId: string) => (s.runId === runId ? s.worker : `${s.worker} (run ${s.runId})`);
  return new Map(
    [...parts].map(([runId, list]) => [
      runId,
      list.map((part) => {
        const taken = counter.taken.get(runId)?.get(part.worker);
        const unrecorded = assigned.get(key(runId, part.worker));
        const others = short.filter((s) => s.runId !== runId || s.worker !== part.worker).map((s) => name(s, runId));
        return {
          ...part,
          ...(taken === undefined ? {} : { takenSequenceNumbers: taken }),
          ...(unrecorded === undefined ? {} : { unrecordedSequenceNumbers: unrecorded }),
          ...(unrecorded !== undefined && others.length > 0 ? { unrecordedSharedWith: others } : {}),
        };
      }),
    ]),
  );
}

function shortParts(parts: ReadonlyMap<string, readonly WorkerPartState[]>, counter: SequenceCounterState): Short[] {
  const out: Short[] = [];
  for (const [runId, list] of parts) {
    for (const part of list) {
      // A live worker may be between moving the counter and recording the block right now.
      if (part.effectiveStatus === "RUNNING") continue;
      const taken = counter.taken.get(runId)?.get(part.worker);
      if (taken === undefined) continue;
      const recorded = part.reserved.reduce((sum, r) => sum + r.count, 0);
      if (taken <= recorded) continue;
      const lastEnd = part.reserved.reduce((max, r) => Math.max(max, r.first + r.count), 0);
      out.push({ runId, worker: part.worker, missing: taken - recorded, from: Math.max(lastEnd, part.sequenceFloor ?? 0) });
    }
  }
  return out;
}

function key(runId: string, worker: string): string {
  return JSON.stringify([runId, worker]);
}

/** The numbers in `[0, end)` that no range of `covered` holds, as sorted ranges. */
function complement(covered: readonly SequenceRange[], end: number): SequenceRange[] {
  const sorted = covered.filter((r) => r.count > 0).sort((a, b) => a.first - b.first);
  const holes: SequenceRange[] = [];
  let at = 0;
  for (const r of sorted) {
    if (r.first > at) holes.push({ first: at, count: Math.min(r.first, end) - at });
    at = Math.max(at, r.first + r.count);
    if (at >= end) break;
  }
  if (at < end) holes.push({ first: at, count: end - at });
  return holes.filter((h) => h.count > 0);
}

/** The first `count` numbers of `holes` at or past `from`. */
function takeFrom(holes: readonly SequenceRange[], from: number, count: number): SequenceRange[] {
  const out: SequenceRange[] = [];
  let left = count;
  for (const h of holes) {
    if (left === 0) break;
    const first = Math.max(h.first, from);
    const available = h.first + h.count - first;
    if (available <= 0) continue;
    const n = Math.min(available, left);
    out.push({ first, count: n });
    left -= n;
  }
  return out;
}
