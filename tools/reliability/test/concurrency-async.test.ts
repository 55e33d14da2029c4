import { join } from "node:path";
import { setImmediate as yieldImmediate, setTimeout as yieldTimeout } from "node:timers/promises";
import { Experiment, type LogRecord } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const TASKS = 100;
const STEPS = 100;
const prefix = "concurrent/tasks";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

/** A random way to give up the thread: none, a microtask, an immediate, or a timer. */
async function randomYield(): Promise<void> {
  const r = Math.random();
  if (r < 0.25) return;
  if (r < 0.5) await Promise.resolve();
  else if (r < 0.8) await yieldImmediate();
  else await yieldTimeout(0);
}

describe(`${TASKS * STEPS} log calls from ${TASKS} concurrent async tasks`, () => {
  it.each([
    ["default batching", {}, false],
    ["tiny batches, a 1 ms interval and flush() calls racing the writer", { batchSize: 7, flushIntervalMs: 1 }, true],
  ])(
    "keep order and gap-free numbering on disk (%s)",
    async (_what, options, racingFlushes) => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const returned: number[][] = Array.from({ length: TASKS }, () => []);
      let flushes = 0;
      const exp = await new Experiment({
        prefix,
        sink: localJsonl({ root }),
        consumers: { echo: (event) => ({ message: event.message }) },
        ...options,
      }).start();
      await Promise.all(
        range(0, TASKS).map(async (t) => {
          for (let j = 0; j < STEPS; j++) {
            returned[t]?.push(exp.log(`task ${t} step ${j}`, { metadata: { t, j } }));
            if (racingFlushes && Math.random() < 0.05) {
              flushes++;
              void exp.flush();
            }
            await randomYield();
          }
        }),
      );
      const summary = await exp.complete();
      expect(summary).toMatchObject({ written: 2 * TASKS * STEPS, unwritten: 0, dropped: 0, issues: 0 });
      if (racingFlushes) expect(flushes).toBeGreaterThan(0);

      const { records, issues } = await readBack(root, prefix);
      expect(issues).toEqual([]);
      // Every number once, in file order.
      expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, TASKS * STEPS));
      const logs = records as unknown as LogRecord[];
      for (const record of logs) {
        const { t, j } = record.metadata as { t: number; j: number };
        // The number log() returned is the number on disk, for this very call.
        expect(returned[t]?.[j]).toBe(record.sequenceNumber);
        expect(record.message).toBe(`task ${t} step ${j}`);
      }
      // Each task's calls are in its own order; timestamps never go backwards in the file.
      for (const numbers of returned) for (let j = 1; j < numbers.length; j++) expect(numbers[j]).toBeGreaterThan(numbers[j - 1] as number);
      const timestamps = logs.map((r) => r.timestamp);
      expect(timestamps).toEqual([...timestamps].sort());

      const echo = await readBack(root, prefix, "echo");
      expect(echo.issues).toEqual([]);
      expect(echo.records.map((r) => [r.sequenceNumber, r["message"]])).toEqual(logs.map((r) => [r.sequenceNumber, r.message]));
    },
    TEST_TIMEOUT_MS,
  );
});
