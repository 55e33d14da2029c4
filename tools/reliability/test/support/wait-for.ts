import { setTimeout as delay } from "node:timers/promises";

/**
 * Polls `condition` until it holds. The timeout only turns a hang into a clear failure; it is
 * generous on purpose and no test asserts how long anything took.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(2);
  }
}
