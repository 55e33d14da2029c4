import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LogRecord } from "@dashlog/core";
import { lockFile, readRuns, runsFile } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const STREAMS = 12;
const COUNT = 3000;
const prefix = "exits/run";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

interface Scenario {
  readonly name: string;
  readonly scenario: string;
  readonly code: number;
  readonly status: "COMPLETED" | "FAILED";
  /** The record dashlog adds at the end, if any. */
  readonly last?: { readonly level: string; readonly message: string };
}

const scenarios: Scenario[] = [
  { name: "the script simply ends (no complete())", scenario: "natural", code: 0, status: "COMPLETED" },
  { name: "process.exit(0) inside the logging loop", scenario: "exit-in-loop-0", code: 0, status: "COMPLETED" },
  {
    name: "process.exit(3) inside the logging loop",
    scenario: "exit-in-loop-3",
    code: 3,
    status: "FAILED",
    last: { level: "fatal", message: "Process exited: Error: process exited with code 3 while the run was RUNNING" },
  },
  { name: "process.exit(0) from a timer while logging", scenario: "exit-from-timer", code: 0, status: "COMPLETED" },
  {
    name: "an exception thrown inside the loop (top-level await)",
    scenario: "throw-in-loop",
    code: 1,
    status: "FAILED",
    last: { level: "fatal", message: "Unhandled rejection: Error: thrown inside the loop" },
  },
  {
    name: "an uncaught exception from a timer while logging",
    scenario: "throw-in-timer",
    code: 1,
    status: "FAILED",
    last: { level: "fatal", message: "Uncaught exception: Error: thrown from a timer" },
  },
  {
    name: "an unhandled rejection in another task while logging",
    scenario: "reject-in-task",
    code: 1,
    status: "FAILED",
    last: { level: "fatal", message: "Unhandled rejection: Error: rejected in a task" },
  },
  {
    name: "a top-level await that never settles (Node ends with 13, tells exit listeners 0)",
    scenario: "unsettled-await",
    code: 13,
    status: "FAILED",
    last: { level: "fatal", message: "Process exited: Error: process exited with code 13 (a top-level await never settled) while the run was RUNNING" },
  },
  {
    name: "process.exitCode = 4, then the script ends",
    scenario: "exit-code-set",
    code: 4,
    status: "FAILED",
    last: { level: "fatal", message: "Process exited: Error: process exited with code 4 while the run was RUNNING" },
  },
  { name: "process.exit(0) while complete() is still writing", scenario: "exit-while-completing", code: 0, status: "COMPLETED" },
  {
    name: "process.exit(1) while fail() is still writing",
    scenario: "exit-while-failing",
    code: 1,
    status: "FAILED",
    last: { level: "error", message: "Run failed: Error: failed on purpose" },
  },
];

describe(`nothing logged is lost when a process with ${STREAMS + 1} streams ends`, () => {
  it.each(scenarios)(
    "$name",
    async ({ scenario, code, status, last }) => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const end = await startChild("exit-logger.mjs", [root, prefix, scenario, String(STREAMS), String(COUNT)]).exited;
      expect(end.code, end.stderr).toBe(code);
      const exit = end.messages.find((m) => m.event === "exit");
      const total = exit?.next as number;
      // The loop logged `i` records before the ending, and dashlog at most one more.
      const logged = last === undefined ? total : total - 1;
      if (!["exit-from-timer", "throw-in-timer", "reject-in-task"].includes(scenario)) expect(logged).toBe(COUNT);
      expect(logged).toBeGreaterThan(0);

      const { records, issues } = await readBack(root, prefix);
      expect(issues).toEqual([]);
      expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, total));
      const logs = records as unknown as LogRecord[];
      logs.slice(0, logged).forEach((record, i) => {
        expect(record.message).toBe(`record ${i}`);
        expect(record.metadata).toEqual({ i });
      });
      if (last !== undefined) expect(logs.at(-1)).toMatchObject(last);

      // Every stream has every entry of every event, the last one included.
      for (let k = 0; k < STREAMS; k++) {
        const stream = await readBack(root, prefix, `s${k}`);
        expect(stream.issues).toEqual([]);
        const expected = range(0, total).filter((n) => n % (k + 1) === 0);
        expect(stream.records.map((r) => r.sequenceNumber), `stream s${k}`).toEqual(expected);
      }

      const runs = await readRuns(runsFile(root, prefix));
      expect(runs.map((r) => [r.status, r.firstSequenceNumber, r.nextSequenceNumber])).toEqual([[status, 0, total]]);
      expect(existsSync(lockFile(root, prefix)), "the lock is released").toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
