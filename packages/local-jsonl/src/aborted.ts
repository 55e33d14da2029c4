/**
 * True once `signal` has aborted. A function rather than an inline check because TypeScript
 * narrows `signal.aborted` to false after the first check and would reject the later ones.
 */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
