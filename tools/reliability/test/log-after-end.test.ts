import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

describe("a stray timer that logs to a run after it ended", () => {
  it(
    "does not take the program down: the records are dropped, counted and reported once as a warning",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const end = await startChild("late-logger.mjs", [root, "late/timer"]).exited;
      expect(end.code, end.stderr).toBe(0);
      // 5 logs and 5 spans of two events each.
      expect(end.messages.find((m) => m.event === "done")).toMatchObject({ droppedAfterEnd: 15, issues: 15 });
      expect(end.stderr.match(/after it ended/g)?.length).toBe(1);
      const { records } = await readBack(root, "late/timer");
      expect(records.map((r) => r["message"])).toEqual(["inside"]);
    },
    TEST_TIMEOUT_MS,
  );
});
