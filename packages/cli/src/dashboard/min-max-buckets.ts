/** Buckets kept per series: two points each is plenty for a chart a few hundred pixels wide. */
export const DEFAULT_BUCKETS = 1024;

/**
 * A downsampled series that takes points one at a time in bounded memory: x is cut into
 * equal buckets and each keeps its lowest and highest point, so a spike survives where an
 * average would hide it. When x outgrows the buckets, neighbours merge and each bucket
 * covers twice the range. Points are expected in about increasing x (a stream read in order);
 * one earlier than the first bucket counts in the first.
 */
export class MinMaxBuckets {
  readonly #capacity: number;
  #origin = Number.NaN;
  #width = Number.NaN;
  /** Per bucket: x and y of its lowest, then of its highest point; NaN when empty. */
  #data: Float64Array;
  #used = 0;
  #count = 0;
  /** Per bucket: the lowest start and highest end position of the records its points came from (NaN: unknown). */
  #positions: Float64Array;
  /** Set for a fixed range (`within`): points outside it are left out and buckets never merge. */
  #end = Number.NaN;

  constructor(capacity = DEFAULT_BUCKETS) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
    this.#capacity = capacity;
    this.#data = new Float64Array(capacity * 4).fill(Number.NaN);
    this.#positions = new Float64Array(capacity * 2).fill(Number.NaN);
  }

  /** Buckets of one x range, `from` to `to`, each (to - from) / capacity wide: a zoomed chart at full resolution. */
  static within(from: number, to: number, capacity = DEFAULT_BUCKETS): MinMaxBuckets {
    if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) throw new RangeError(`a bucket range must go from a number up to a larger one, got ${from} to ${to}`);
    const buckets = new MinMaxBuckets(capacity);
    buckets.#origin = from;
    buckets.#width = (to - from) / capacity;
    buckets.#end = to;
    return buckets;
  }

  /**
   * Where the records behind the points in x from `from` to `to` are: the lowest start and
   * highest end position given to `add` in the buckets that overlap the range. Undefined when
   * none overlaps or positions were not given.
   */
  positionsIn(from: number, to: number): { start: number; end: number } | undefined {
    let start = Number.POSITIVE_INFINITY;
    let end = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < this.#used; b++) {
      // The first bucket also holds points before the origin; the last, at a run's end, any later one.
      const lo = b === 0 ? Number.NEGATIVE_INFINITY : this.#origin + b * this.#width;
      const hi = b === this.#used - 1 || Number.isNaN(this.#width) ? Number.POSITIVE_INFINITY : this.#origin + (b + 1) * this.#width;
      if (hi < from || lo > to) continue;
      const s = this.#positions[b * 2] as number;
      const e = this.#positions[b * 2 + 1] as number;
      if (Number.isNaN(s) || Number.isNaN(e)) continue;
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
    return start <= end ? { start, end } : undefined;
  }

  /** Points added so far (not kept). */
  get count(): number {
    return this.#count;
  }

  /** Takes a point; `start` and `end` say where its record is in its stream, for `positionsIn`. */
  add(x: number, y: number, start = Number.NaN, end = Number.NaN): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (!Number.isNaN(this.#end)) {
      if (x < this.#origin || x > this.#end) return;
      this.#count++;
      const index = Math.min(this.#capacity - 1, Math.floor((x - this.#origin) / this.#width));
      this.#put(index, x, y, start, end);
      this.#used = Math.max(this.#used, index + 1);
      return;
    }
    this.#count++;
    if (Number.isNaN(this.#origin)) {
      this.#origin = x;
      this.#put(0, x, y, start, end);
      this.#used = 1;
      return;
    }
    if (Number.isNaN(this.#width)) {
      if (x === this.#origin) return this.#put(0, x, y, start, end);
      // The first step sets the scale: a run logged every millisecond and one logged every epoch both start fine.
      this.#width = Math.abs(x - this.#origin);
    }
    let index = Math.max(0, Math.floor((x - this.#origin) / this.#width));
    while (index >= this.#capacity) {
      this.#merge();
      index = Math.max(0, Math.floor((x - this.#origin) / this.#width));
    }
    this.#put(index, x, y, start, end);
    this.#used = Math.max(this.#used, index + 1);
  }

  /** The kept points in x order: per bucket its low and high point (one when they are the same). */
  points(): [number, number][] {
    const out: [number, number][] = [];
    const d = this.#data;
    for (let b = 0; b < this.#used; b++) {
      const o = b * 4;
      if (Number.isNaN(d[o] as number)) continue;
      const low: [number, number] = [d[o] as number, d[o + 1] as number];
      const high: [number, number] = [d[o + 2] as number, d[o + 3] as number];
      if (low[0] === high[0] && low[1] === high[1]) out.push(low);
      else if (low[0] <= high[0]) out.push(low, high);
      else out.push(high, low);
    }
    return out;
  }

  #put(index: number, x: number, y: number, start: number, end: number): void {
    const p = this.#positions;
    if (!Number.isNaN(start) && !(start >= (p[index * 2] as number))) p[index * 2] = start;
    if (!Number.isNaN(end) && !(end <= (p[index * 2 + 1] as number))) p[index * 2 + 1] = end;
    const d = this.#data;
    const o = index * 4;
    if (Number.isNaN(d[o] as number) || y < (d[o + 1] as number)) {
      d[o] = x;
      d[o + 1] = y;
    }
    if (Number.isNaN(d[o + 2] as number) || y > (d[o + 3] as number)) {
      d[o + 2] = x;
      d[o + 3] = y;
    }
  }

  #merge(): void {
    const d = this.#data;
    const merged = new Float64Array(this.#capacity * 4).fill(Number.NaN);
    for (let b = 0; b < this.#used; b++) {
      const o = b * 4;
      const t = (b >> 1) * 4;
      if (!Number.isNaN(d[o] as number) && (Number.isNaN(merged[t] as number) || (d[o + 1] as number) < (merged[t + 1] as number))) {
        merged[t] = d[o] as number;
        merged[t + 1] = d[o + 1] as number;
      }
      if (!Number.isNaN(d[o + 2] as number) && (Number.isNaN(merged[t + 2] as number) || (d[o + 3] as number) > (merged[t + 3] as number))) {
        merged[t + 2] = d[o + 2] as number;
        merged[t + 3] = d[o + 3] as number;
      }
    }
    const p = this.#positions;
    const positions = new Float64Array(this.#capacity * 2).fill(Number.NaN);
    for (let b = 0; b < this.#used; b++) {
      const t = (b >> 1) * 2;
      const s = p[b * 2] as number;
      const e = p[b * 2 + 1] as number;
      if (!Number.isNaN(s) && !(s >= (positions[t] as number))) positions[t] = s;
      if (!Number.isNaN(e) && !(e <= (positions[t + 1] as number))) positions[t + 1] = e;
    }
    this.#positions = positions;
    this.#data = merged;
    this.#width *= 2;
    this.#used = Math.ceil(this.#used / 2);
  }
}
