import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { CRASHED_ERROR_NAME, Experiment, type LogRecord } from "@dashlog/core";
import { localJsonl, lockFile, readRuns, runsFile, streamFile } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";
import { waitFor } from "./support/wait-for.js";

const KILLS = scaled(5, 50);
const STREAMS = 3;
const prefix = "crash/sigkill";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

/**
 * What must hold after every kill: `logs` is a gap-free prefix 0..n-1 with each record intact,
 * the only unreadable lines are at most one torn last line plus the torn lines of earlier
 * kills (ended with a newline by the run that followed), and every sparse stream holds only
 * entries of events that are in `logs`.
 */
async function checkAfterKill(root: string, killsSoFar: number): Promise<{ count: number; torn: boolean }> {
  const { records, issues } = await readBack(root, prefix);
  const count = records.length;
  expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, count));
  for (const record of records as unknown as LogRecord[]) {
    expect(record.message).toBe(`record ${record.sequenceNumber}`);
    expect(record.metadata?.["n"]).toBe(record.sequenceNumber);
  }
  const torn = issues.filter((i) => i.kind === "torn");
  const malformed = issues.filter((i) => i.kind === "malformed");
  expect(torn.length).toBeLessThanOrEqual(1);
  expect(malformed.length + torn.length).toBe(issues.length);
  expect(malformed.length).toBeLessThanOrEqual(killsSoFar - 1);
  // A torn line can only be the very last line of the file.
  if (torn[0] !== undefined) expect(torn[0].line).toBe(count + issues.length);
  for (let k = 0; k < STREAMS; k++) {
    const stream = await readBack(root, prefix, `s${k}`);
    expect(stream.issues.filter((i) => i.kind === "invalid")).toEqual([]);
    const numbers = stream.records.map((r) => r.sequenceNumber);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1] as number);
    for (const record of stream.records) {
      expect(record).toEqual({ k, n: record.sequenceNumber, sequenceNumber: record.sequenceNumber });
      expect(record.sequenceNumber % (k + 2)).toBe(0);
      expect(record.sequenceNumber).toBeLessThan(count);
    }
  }
  return { count, torn: torn.length > 0 };
}

describe("a process killed with SIGKILL while logging at full speed", () => {
  it(
    `leaves a gap-free prefix after each of ${KILLS} kills, and every next run continues the numbering`,
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const logsFile = streamFile(root, prefix, "logs");
      const firsts: number[] = [];
      let count = 0;
      let tornSeen = 0;
      for (let kill = 1; kill <= KILLS; kill++) {
        const seed = Math.floor(Math.random() * 2 ** 31) + 1;
        const child = startChild("crash-logger.mjs", [root, prefix, String(STREAMS), String(seed)]);
        // The killed child's lock is still there: starting at all proves it was recovered.
        const started = await child.next("started");
        expect(started.first, `run ${kill} (seed ${seed}) starts after the last valid record`).toBe(count);
        firsts.push(count);
        // Kill once the file has grown by a random amount (0 to ~1.5 MB): a random moment
        // in the child's life, wherever it is in a write.
        const base = existsSync(logsFile) ? statSync(logsFile).size : 0;
        const grow = Math.floor(Math.random() * scaled(1_500_000, 400_000));
        await waitFor(() => existsSync(logsFile) && statSync(logsFile).size >= base + grow, `the log to grow by ${grow} bytes`);
        child.process.kill("SIGKILL");
        const end = await child.exited;
        expect(end.signal).toBe("SIGKILL");
        const after = await checkAfterKill(root, kill);
        expect(after.count, `kill ${kill} (seed ${seed}) lost records already read back`).toBeGreaterThanOrEqual(count);
        count = after.count;
        if (after.torn) tornSeen++;
      }

      // A normal run after the last kill: the lock is recovered and numbering continues.
      await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
        expect(exp.firstSequenceNumber).toBe(count);
        exp.log(`record ${count}`, { metadata: { n: count } });
        exp.log(`record ${count + 1}`, { metadata: { n: count + 1 } });
      });
      const final = await checkAfterKill(root, KILLS + 1);
      expect(final.count).toBe(count + 2);
      expect(final.torn).toBe(false);
      expect(existsSync(lockFile(root, prefix))).toBe(false);

      // runs.jsonl: the end of every killed run was recorded by the run after it (FAILED,
      // error Crashed, numbered up to where the next run started); the last run COMPLETED.
      const runs = await readRuns(runsFile(root, prefix));
      expect(runs.map((r) => r.status)).toEqual([...firsts.map(() => "FAILED"), "COMPLETED"]);
      expect(runs.slice(0, -1).map((r) => r.error?.name)).toEqual(firsts.map(() => CRASHED_ERROR_NAME));
      expect(runs.slice(0, -1).map((r) => r.nextSequenceNumber)).toEqual([...firsts.slice(1), count]);
      expect(runs.map((r) => r.firstSequenceNumber)).toEqual([...firsts, count]);
      expect(runs.at(-1)?.nextSequenceNumber).toBe(count + 2);
      // Not asserted (a kill rarely lands inside a write(2)), only shown: how often one did.
      console.info(`SIGKILL: ${KILLS} kills, ${count} records kept, ${tornSeen} torn last line(s) seen`);
    },
    TEST_TIMEOUT_MS,
  );
});
