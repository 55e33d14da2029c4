/**
 * Decides when a sampled consumer reads its source again, using the events' own
 * `monotonic` time: no clock call of its own, and deterministic under a test clock.
 */
export class SampleSchedule {
  readonly everyMs: number;
  #last = Number.NaN;
  #interval = Number.NaN;

  constructor(everyMs: number) {
    this.everyMs = everyMs;
  }

  /**
   * True when a sample is due at `now` (the first call, `everyMs` after the previous sample,
   * or when time went backwards, e.g. events of another clock), and records it as taken.
   */
  due(now: number): boolean {
    const last = this.#last;
    // NaN (no sample yet) makes both comparisons false, so the first call is always due.
    if (now - last < this.everyMs && now >= last) return false;
    this.#interval = now >= last ? now - last : Number.NaN;
    this.#last = now;
    return true;
  }

  /** Milliseconds between the sample just taken and the one before it; NaN for a baseline. */
  get interval(): number {
    return this.#interval;
  }

  /**
   * True when the sample just taken starts afresh (the first one, or after time went
   * backwards): delta consumers store nothing for it and measure from it.
   */
  get isBaseline(): boolean {
    return Number.isNaN(this.#interval);
  }
}
