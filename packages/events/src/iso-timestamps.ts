/**
 * Formats epoch milliseconds as ISO-8601 UTC, reusing the last string while the
 * millisecond does not change: under load many events share one, and `toISOString`
 * allocates a Date and a string each time.
 */
export function isoTimestamps(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = "";
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}
