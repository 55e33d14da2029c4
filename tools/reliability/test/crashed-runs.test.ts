import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { CRASHED_ERROR_NAME, Experiment } from "@dashlog/core";
import { jsonlReader, localJsonl, lockFile, runsFile, streamFile } from "@dashlog/local-jsonl";
import { existsSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";
import { waitFor } from "./support/wait-for.js";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

describe("a run whose process was killed (SIGKILL, out of memory)", () => {
  it(
    "is read back as CRASHED while its pid is gone, and the next run records its end",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const prefix = "crash/oom-killed";
      const child = startChild("crash-logger.mjs", [root, prefix, "0", "7"]);
      const started = await child.next("started");
      const logs = streamFile(root, prefix, "logs");
      await waitFor(() => existsSync(logs) && statSync(logs).size > 10_000, "the killed run to log something");
      child.process.kill("SIGKILL");
      expect((await child.exited).signal).toBe("SIGKILL");

      const reader = jsonlReader({ root });
      const [killed] = await reader.runs(prefix);
      // Stored RUNNING (nobody could write its end), read back as what it is.
      expect([killed?.status, killed?.effectiveStatus, killed?.crashed]).toEqual(["RUNNING", "CRASHED", true]);
      expect(killed?.crashReason).toContain(`process ${String(started["pid"])}`);

      const summary = await new Experiment({ prefix, sink: localJsonl({ root }) }).run(async (exp) => {
        exp.log("after the crash");
        return exp.firstSequenceNumber;
      });
      const runs = await reader.runs(prefix);
      expect(runs.map((r) => [r.status, r.effectiveStatus, r.crashed])).toEqual([
        ["FAILED", "CRASHED", true],
        ["COMPLETED", "COMPLETED", false],
      ]);
      expect(runs[0]?.error?.name).toBe(CRASHED_ERROR_NAME);
      expect(runs[0]?.nextSequenceNumber).toBe(summary);
      expect(runs[0]?.endedAt !== undefined && runs[0].endedAt >= runs[0].startedAt).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it("is not judged crashed while its lock names it and its host cannot be checked; it is once the lock is gone", async () => {
    box = await sandbox();
    const root = join(box.dir, "root");
    const prefix = "crash/other-host";
    const runs = runsFile(root, prefix);
    mkdirSync(dirname(runs), { recursive: true });
    const run = { runId: "r-1", status: "RUNNING", startedAt: "2026-01-01T00:00:00.000Z", firstSequenceNumber: 0, pid: 123, hostname: `not-${hostname()}` };
    writeFileSync(runs, `${JSON.stringify(run)}\n`);
    writeFileSync(lockFile(root, prefix), JSON.stringify({ pid: 123, hostname: run.hostname, runId: "r-1", startedAt: run.startedAt }));
    const reader = jsonlReader({ root });
    expect((await reader.runs(prefix)).map((r) => [r.effectiveStatus, r.crashed])).toEqual([["RUNNING", false]]);

    writeFileSync(lockFile(root, prefix), JSON.stringify({ pid: 124, hostname: run.hostname, runId: "r-2", startedAt: run.startedAt }));
    const [taken] = await reader.runs(prefix);
    expect([taken?.effectiveStatus, taken?.crashReason]).toEqual(["CRASHED", "the experiment's lock is held by run r-2: this run ended without recording its end"]);
  });
});
