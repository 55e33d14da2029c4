import type { MetricInfo, MetricPoint } from "@dashlog/core";

/**
 * How far the dashboard has read one named metric series (`exp.metrics`), so a live page reads
 * only new points. A run of its own numbers its points 0, 1, 2, ...: one index to go on from.
 * In a joined run every worker numbers its own points (several have an index 5), and the local
 * file holds them in the order they were appended, not by index: one index would skip a slow
 * worker's points or read a fast one's twice. So the cursor keeps one per worker, reads from the
 * lowest, and drops the points of a worker it already has.
 *
 * A worker that joins later starts at 0, below where the others are: a read from the lowest
 * known index misses it. The listing's `totalDataPoints` tells: when fewer points were taken
 * than it states, `missedBelow()` names the range to read again (once per listing that shows it).
 */
export class MetricCursor {
  /** Per worker (null: points without one), one past the highest index taken. */
  readonly #next = new Map<string | null, number>();
  #taken = 0;
  #joined = false;
  /** The `totalDataPoints` of the listing last read for: a count that stays above what was taken (an unreadable line) is read for once. */
  #readAt = -1;

  /** Points taken so far: what a listing's `totalDataPoints` is compared with. */
  get taken(): number {
    return this.#taken;
  }

  /** Whether the listing shows points not read yet. */
  hasNew(info: MetricInfo): boolean {
    // A run of its own: as before joined runs, its highest index says it all.
    if (!this.#joined) return info.nextIndex > (this.#next.get(null) ?? 0);
    let highest = 0;
    for (const next of this.#next.values()) highest = Math.max(highest, next);
    return info.nextIndex > highest || (info.totalDataPoints > this.#taken && info.totalDataPoints !== this.#readAt);
  }

  /** Where the next read starts: the lowest index any writer of the series is at. */
  fromIndex(): number {
    if (this.#next.size === 0) return 0;
    return Math.min(...this.#next.values());
  }

  /**
   * For a store that reads one worker's points from an index (MongoDB): where each worker of a
   * joined series is, and the highest index any is at (new points without a worker, and a new
   * worker's above it, are read from there). Undefined for a series of a run of its own.
   * Read this way, a worker that stopped early (crashed, or logs the series rarely) does not hold
   * every read down at its index.
   */
  workerStarts(): { readonly workers: readonly (readonly [string, number])[]; readonly highest: number } | undefined {
    if (!this.#joined) return undefined;
    const workers: [string, number][] = [];
    let highest = 0;
    for (const [worker, next] of this.#next) {
      highest = Math.max(highest, next);
      if (worker !== null) workers.push([worker, next]);
    }
    return { workers, highest };
  }

  /**
   * Whether to chart `point`: false for a point of a worker already read past it. Points
   * without a worker are taken as read (the series of a run of its own may repeat indices,
   * ml-dash's files do), unless `onlyNew` (a second read of a range already read).
   */
  take(point: MetricPoint, onlyNew = false): boolean {
    const worker = point.worker ?? null;
    const next = this.#next.get(worker);
    if (worker !== null) this.#joined = true;
    if ((worker !== null || onlyNew) && next !== undefined && point.index < next) return false;
    this.#next.set(worker, worker === null && next !== undefined && !onlyNew ? point.index + 1 : Math.max(next ?? 0, point.index + 1));
    this.#taken++;
    return true;
  }

  /**
   * After a read from `from`: the index range below it to read again when the listing states
   * more points than were taken (a worker that joined below the others), else undefined.
   */
  missedBelow(info: MetricInfo, from: number): { fromIndex: number; toIndex: number } | undefined {
    this.#readAt = info.totalDataPoints;
    if (!this.#joined || from <= 0 || this.#taken >= info.totalDataPoints) return undefined;
    return { fromIndex: 0, toIndex: from - 1 };
  }
}
