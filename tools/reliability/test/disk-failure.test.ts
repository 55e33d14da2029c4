import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Experiment, type DashlogIssue, type LogRecord } from "@dashlog/core";
import { localJsonl, lockFile, readRuns, runsFile, streamFile } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { startChild } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";
import { makeUnwritable } from "./support/unwritable.js";
import { waitFor } from "./support/wait-for.js";

const prefix = "disk/failure";
// /dev/full accepts open() and fails every write with ENOSPC: a full disk, even for root.
// Linux has it (CI runs there); other systems have no such device, so these tests are Linux-only.
const linux = process.platform === "linux";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

function errorCode(issue: DashlogIssue): unknown {
  return (issue.error as NodeJS.ErrnoException | undefined)?.code;
}

describe("an unwritable folder", () => {
  it(
    "reports each failed write on onIssue, keeps the process running, and loses nothing once writable again",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const issues: DashlogIssue[] = [];
      const exp = await new Experiment({
        prefix,
        sink: localJsonl({ root }),
        consumers: { lengths: (event) => ({ chars: event.message.length }) },
        onIssue: (issue) => issues.push(issue),
        flushIntervalMs: 5,
      }).start();
      const logsFile = streamFile(root, prefix, "logs");
      const blocked = await makeUnwritable(logsFile, box.dir);

      for (let i = 0; i < 500; i++) expect(exp.log(`record ${i}`)).toBe(i);
      await waitFor(() => issues.length > 0, `a write failure to be reported (${blocked.how})`);
      // The process carries on: more calls, still numbered, still queued.
      for (let i = 500; i < 1000; i++) expect(exp.log(`record ${i}`)).toBe(i);
      expect(exp.stats.queued).toBe(2000);

      const issue = issues[0] as DashlogIssue;
      // The loop logs for longer than the flush interval without yielding: the first write is inline (writeSync).
      expect(issue).toMatchObject({ source: "sink", sequenceNumber: 0 });
      expect(["write", "writeSync"]).toContain(issue.name);
      expect(["EACCES", "EISDIR"]).toContain(errorCode(issue));
      // A clear message: what failed, the system's reason, and the file.
      expect(issue.message).toMatch(/^dashlog sink "write(Sync)?" failed at event 0: (EACCES|EISDIR)/);
      expect(issue.message).toContain(logsFile);

      await blocked.restore();
      // Retried with backoff, by itself: nothing to call.
      await waitFor(() => exp.stats.queued === 0, "the queued records to be written after the folder became writable");
      const summary = await exp.complete();
      expect(summary).toMatchObject({ status: "COMPLETED", written: 2000, unwritten: 0, dropped: 0 });
      expect(summary.issues).toBe(issues.length);

      const { records, issues: readIssues } = await readBack(root, prefix);
      expect(readIssues).toEqual([]);
      expect(records.map((r) => r.sequenceNumber)).toEqual(range(0, 1000));
      expect((records as unknown as LogRecord[]).map((r) => r.message)).toEqual(range(0, 1000).map((i) => `record ${i}`));
      expect((await readBack(root, prefix, "lengths")).records.map((r) => r.sequenceNumber)).toEqual(range(0, 1000));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "refuses to start when runs.jsonl cannot be written, with an error naming it, and leaves no lock",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => exp.log("first run"));
      const blocked = await makeUnwritable(runsFile(root, prefix), box.dir);
      const attempt = new Experiment({ prefix, sink: localJsonl({ root }) }).start();
      await expect(attempt, blocked.how).rejects.toThrow(/EACCES|EISDIR/);
      await expect(attempt).rejects.toThrow(runsFile(root, prefix));
      expect(existsSync(lockFile(root, prefix))).toBe(false);
      await blocked.restore();
      await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
        expect(exp.firstSequenceNumber).toBe(1);
        exp.log("after the fix");
      });
      expect((await readBack(root, prefix)).records.map((r) => r.sequenceNumber)).toEqual([0, 1]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "reports a run end that cannot be recorded on onIssue, still writes every record, and releases the lock",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const issues: DashlogIssue[] = [];
      const exp = await new Experiment({ prefix, sink: localJsonl({ root }), onIssue: (i) => issues.push(i) }).start();
      for (let i = 0; i < 100; i++) exp.log(`record ${i}`);
      const blocked = await makeUnwritable(runsFile(root, prefix), box.dir);
      const summary = await exp.complete();
      expect(summary).toMatchObject({ status: "COMPLETED", written: 100, unwritten: 0 });
      expect(issues.map((i) => [i.source, i.name])).toEqual([["sink", "closeRun"]]);
      expect(issues[0]?.message, blocked.how).toMatch(/EACCES|EISDIR/);
      expect(existsSync(lockFile(root, prefix))).toBe(false);
      expect((await readBack(root, prefix)).records.map((r) => r.sequenceNumber)).toEqual(range(0, 100));
      await blocked.restore();
    },
    TEST_TIMEOUT_MS,
  );
});

describe.runIf(linux)("a full disk (ENOSPC, via /dev/full)", () => {
  it("has /dev/full to simulate it with", () => {
    expect(existsSync("/dev/full")).toBe(true);
  });

  it(
    "reports ENOSPC on onIssue, keeps the process running, and the summary counts every record not written",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const issues: DashlogIssue[] = [];
      const sink = localJsonl({ root });
      const exp = await new Experiment({
        prefix,
        sink,
        consumers: { lengths: (event) => ({ chars: event.message.length }) },
        onIssue: (issue) => issues.push(issue),
        flushIntervalMs: 5,
        endTimeoutMs: 100,
      }).start();
      symlinkSync("/dev/full", streamFile(root, prefix, "logs"));
      for (let i = 0; i < 300; i++) exp.log(`record ${i}`);
      await waitFor(() => issues.length > 0, "the full disk to be reported");
      for (let i = 300; i < 500; i++) exp.log(`record ${i}`);
      expect(issues[0]).toMatchObject({ source: "sink", sequenceNumber: 0 });
      expect(errorCode(issues[0] as DashlogIssue)).toBe("ENOSPC");
      expect(issues[0]?.message).toMatch(/^dashlog sink "write(Sync)?" failed at event 0: ENOSPC/);

      const summary = await exp.complete();
      // 500 log records and 500 entries of the `lengths` stream: none could be written, and
      // the stored status says so.
      expect(summary).toMatchObject({ status: "FAILED", written: 0, unwritten: 1000, dropped: 0 });
      expect(existsSync(lockFile(root, prefix))).toBe(false);
      const runs = await readRuns(runsFile(root, prefix));
      expect(runs.map((r) => [r.status, r.nextSequenceNumber, r.error?.name])).toEqual([["FAILED", 500, "UnwrittenRecords"]]);
      sink.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "at exit, says how many records could not be written, exits normally, and records the run's end",
    async () => {
      box = await sandbox();
      const root = join(box.dir, "root");
      const end = await startChild("full-disk-logger.mjs", [root, prefix, "1000"]).exited;
      expect(end.code, end.stderr).toBe(0);
      const alive = end.messages.find((m) => m.event === "alive");
      expect(alive).toMatchObject({ queued: 2000 });
      expect(end.messages.find((m) => m.event === "issue")).toMatchObject({ source: "sink", code: "ENOSPC" });
      expect(end.stderr).toContain(`dashlog: 2000 record(s) of ${prefix} could not be written at exit`);
      const runs = await readRuns(runsFile(root, prefix));
      expect(runs.map((r) => [r.status, r.nextSequenceNumber, r.error?.name])).toEqual([["FAILED", 2000, "UnwrittenRecords"]]);
      expect(existsSync(lockFile(root, prefix))).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});
