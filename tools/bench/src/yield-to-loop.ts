/** Lets timers, immediates and I/O callbacks run, as a training loop does between steps. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
