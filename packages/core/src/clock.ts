/** Where a run gets its time; inject one in tests for deterministic timestamps. */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch. */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** A clock that starts at `start` and moves only when told; for tests and replays. */
export function manualClock(start = Date.UTC(2025, 9, 29, 10, 30, 0)): Clock & { advance(ms: number): void; set(ms: number): void } {
  let wall = start;
  let mono = 0;
  return {
    now: () => wall,
    monotonic: () => mono,
    advance(ms: number) {
      wall += ms;
      mono += ms;
    },
    set(ms: number) {
      mono += Math.max(0, ms - wall);
      wall = ms;
    },
  };
}
