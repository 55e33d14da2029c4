import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const prefix = "crash/burst";
const FLUSH_INTERVAL_MS = 100;
/**
 * Part of the stated bound: logging the 20 records between two progress messages, and the
 * inline write itself. Every record logged more than FLUSH_INTERVAL_MS + SLACK_MS before the
 * writer's last progress message must be on disk.
 */
const SLACK_MS = 100;

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

describe("a SIGKILL during a burst of large records that never yields", () => {
  it(
    "loses only what was logged in the last flush interval",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      for (let kill = 0; kill < 4; kill++) {
        const child = startChild("burst-logger.mjs", [root, prefix]);
        await child.next("started");
        const delay = 150 + Math.floor(Math.random() * 600);
        await new Promise((resolve) => setTimeout(resolve, delay));
        child.process.kill("SIGKILL");
        const end = await child.exited;
        expect(end.signal).toBe("SIGKILL");
        const progress = end.messages.filter((m) => m.event === "progress") as unknown as { next: number; t: number }[];
        const last = progress.at(-1);
        if (last === undefined) continue;
        const { records } = await readBack(root, prefix);
        const count = records.length;
        expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, count));
        const due = [...progress].reverse().find((p) => p.t <= last.t - FLUSH_INTERVAL_MS - SLACK_MS)?.next ?? 0;
        expect(count, `kill ${kill} after ${delay} ms: records up to ${due - 1} were logged long enough before the kill`).toBeGreaterThanOrEqual(due);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
