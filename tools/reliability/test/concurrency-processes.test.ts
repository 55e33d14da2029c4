import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { LogRecord } from "@dashlog/core";
import { lockFile, readRuns, runsFile } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { startChild, type Child, type ChildMessage } from "./support/child.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const prefix = "shared/experiment";

let box: Sandbox | undefined;
const children: Child[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
    await child.exited;
  }
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

function holder(root: string, count: number, waitForGo = false): Child {
  const child = startChild("lock-holder.mjs", [root, prefix, String(count), waitForGo ? "go" : "now"]);
  children.push(child);
  return child;
}

/** The first of `events` the child says. */
function outcome(child: Child, events: readonly string[]): Promise<ChildMessage> {
  return Promise.race(events.map((event) => child.next(event)));
}

describe("two processes on one experiment", () => {
  it(
    "the second gets ExperimentLockedError naming the first's pid; after the first exits, it continues the numbering",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const first = holder(root, 100);
      expect(await first.next("acquired")).toMatchObject({ first: 0 });

      const refused = await outcome(holder(root, 50), ["acquired", "locked"]);
      expect(refused).toMatchObject({ event: "locked", name: "ExperimentLockedError", code: "DASHLOG_EXPERIMENT_LOCKED" });
      expect(refused["message"]).toContain(`being written by process ${first.pid} `);

      first.send("finish");
      expect((await first.exited).code).toBe(0);
      expect(existsSync(lockFile(root, prefix))).toBe(false);

      const second = holder(root, 50);
      expect(await second.next("acquired")).toMatchObject({ first: 100 });
      second.send("finish");
      expect(await second.next("finished")).toMatchObject({ next: 150 });

      const { records, issues } = await readBack(root, prefix);
      expect(issues).toEqual([]);
      expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, 150));
      const writers = (records as unknown as LogRecord[]).map((r) => r.metadata?.["pid"]);
      expect(writers).toEqual([...Array<number>(100).fill(first.pid), ...Array<number>(50).fill(second.pid)]);
      const runs = await readRuns(runsFile(root, prefix));
      expect(runs.map((r) => [r.status, r.firstSequenceNumber, r.nextSequenceNumber, r.pid])).toEqual([
        ["COMPLETED", 0, 100, first.pid],
        ["COMPLETED", 100, 150, second.pid],
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  const ROUNDS = scaled(3, 25);
  const CONTENDERS = 6;
  it.each([
    ["no lock", false],
    ["a lock left by a dead process", true],
  ])(
    `${CONTENDERS} processes calling start() at the same moment, over %s: exactly one writes (${ROUNDS} rounds)`,
    async (_what, stale) => {
      box = await sandbox();
      for (let round = 0; round < ROUNDS; round++) {
        const root = join(box.dir, `round-${round}`);
        if (stale) {
          await mkdir(join(root, prefix), { recursive: true });
          // A pid far above any pid_max in use: that process cannot be alive.
          const dead = { pid: 2 ** 22 + 17, hostname: hostname(), runId: "dead-run", startedAt: "2025-01-01T00:00:00.000Z" };
          await writeFile(lockFile(root, prefix), JSON.stringify(dead));
        }
        const contenders = Array.from({ length: CONTENDERS }, () => holder(root, 20, true));
        await Promise.all(contenders.map((c) => c.next("ready")));
        for (const c of contenders) c.send("go");
        const outcomes = await Promise.all(contenders.map((c) => outcome(c, ["acquired", "locked"])));
        const winners = contenders.filter((_, i) => outcomes[i]?.event === "acquired");
        expect(winners.map((w) => w.pid), `round ${round}: processes that believe they hold the lock`).toHaveLength(1);
        const winner = winners[0] as Child;
        for (const [i, message] of outcomes.entries()) {
          if (message.event === "acquired") continue;
          expect(message, `round ${round}, contender ${i}`).toMatchObject({ name: "ExperimentLockedError" });
          expect(message["message"]).toContain(`being written by process ${winner.pid} `);
        }
        winner.send("finish");
        await winner.next("finished");
        await Promise.all(contenders.map((c) => c.exited));
        const { records, issues } = await readBack(root, prefix);
        expect(issues).toEqual([]);
        expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, 20));
        expect(new Set((records as unknown as LogRecord[]).map((r) => r.metadata?.["pid"]))).toEqual(new Set([winner.pid]));
        expect(existsSync(lockFile(root, prefix))).toBe(false);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
