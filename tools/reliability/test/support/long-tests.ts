/**
 * `DASHLOG_LONG_TESTS=1` turns on the long variants (more kills, more fast-check runs).
 * CI runs the short ones on every push; the long ones are for a release or a suspicious change.
 */
export const LONG_TESTS = process.env["DASHLOG_LONG_TESTS"] === "1";

/** `ci` in the normal run, `long` under DASHLOG_LONG_TESTS=1. */
export function scaled<T>(ci: T, long: T): T {
  return LONG_TESTS ? long : ci;
}

/** Per-test timeout: generous, because CI machines are slow and shared, and nothing here asserts timing. */
export const TEST_TIMEOUT_MS = scaled(120_000, 1_800_000);

/** Setup and cleanup hooks: removing thousands of case folders can take a while. */
export const HOOK_TIMEOUT_MS = 120_000;
