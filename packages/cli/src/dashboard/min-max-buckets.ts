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

  constructor(capacity = DEFAULT_BUCKETS) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
    this.#capacity = capacity;
    this.#data = new Float64Array(capacity * 4).fill(Number.NaN);
  }

  /** Points added so far (not kept). */
  get count(): number {
    return this.#count;
  }

  add(x: number, y: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    this.#count++;
    if (Number.isNaN(this.#origin)) {
      this.#origin = x;
      this.#put(0, x, y);
      this.#used = 1;
      return;
    }
    if (Number.isNaN(this.#width)) {
      if (x === this.#origin) return this.#put(0, x, y);
      // The first step sets the scale: a run logged every millisecond and one logged every epoch both start fine.
      this.#width = Math.abs(x - this.#origin);
    }
    let index = Math.max(0, Math.floor((x - this.#origin) / this.#width));
    while (index >= this.#capacity) {
      this.#merge();
      index = Math.max(0, Math.floor((x - this.#origin) / this.#width));
    }
    this.#put(index, x, y);
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

  #put(index: number, x: number, y: number): void {
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
    this.#data = merged;
    this.#width *= 2;
    this.#used = Math.ceil(this.#used / 2);
  }
}
