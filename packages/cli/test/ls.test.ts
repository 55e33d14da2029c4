import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Experiment } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREFIX, storedLines, trainingRoot, type FixtureRoot } from "./helpers/fixture-root.js";
import { dashlog, tempRoot } from "./helpers/run-dashlog.js";

let fixture: FixtureRoot;

beforeAll(async () => {
  fixture = await trainingRoot();
  // A failed run, and a run whose process is still going (only its RUNNING line exists).
  await new Experiment({ prefix: "bob/failing", sink: localJsonl({ root: fixture.dir }) })
    .run((exp) => {
      exp.log("about to fail");
      throw new Error("out of memory");
    })
    .catch(() => undefined);
  const running = join(fixture.dir, "carol", "live");
  await mkdir(join(running, "logs"), { recursive: true });
  await writeFile(join(running, "logs", "logs.jsonl"), `${JSON.stringify({ timestamp: "2025-10-29T11:00:00.000Z", level: "info", message: "hi", metadata: null, sequenceNumber: 0 })}\n`);
  await writeFile(join(running, "runs.jsonl"), `${JSON.stringify({ runId: "r1", status: "RUNNING", startedAt: "2025-10-29T11:00:00.000Z", firstSequenceNumber: 0 })}\n`);
});
afterAll(() => fixture.remove());

describe("dashlog ls", () => {
  it("lists every experiment with its status, times and record counts", async () => {
    const result = await dashlog(["ls", "--root", fixture.dir]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^PREFIX\s+STATUS\s+RUNS\s+STARTED\s+ENDED\s+RECORDS\s+STREAMS\s+METRICS\s+PARAMS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([PREFIX, "bob/failing", "carol/live"]);
    const training = lines[1] as string;
    expect(training).toMatch(new RegExp(`^${PREFIX}\\s+COMPLETED\\s+1\\s+2025-10-29 10:30:00Z\\s+2025-10-29 10:30:\\d\\dZ\\s+${fixture.counts.events}\\s`));
    expect(lines[2]).toMatch(/^bob\/failing\s+FAILED\s+1\s/);
    expect(lines[3]).toMatch(/^carol\/live\s+RUNNING\s+1\s+2025-10-29 11:00:00Z\s+running\s+1\s+-$/);
  });

  it("--json gives one object per experiment with per-stream counts", async () => {
    const result = await dashlog(["ls", "--json", "--root", fixture.dir]);
    const rows = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as { prefix: string; status: string; records: number; streams: Record<string, number>; endedAt: string | null });
    const training = rows.find((r) => r.prefix === PREFIX);
    expect(training?.records).toBe(fixture.counts.events);
    expect(training?.streams["spans"]).toBe(fixture.counts.spans);
    expect(training?.streams["memory"]).toBe((await storedLines(fixture.dir, PREFIX, "memory")).records.length);
    expect(rows.find((r) => r.prefix === "carol/live")).toMatchObject({ status: "RUNNING", endedAt: null });
  });

  it("says so on stderr when the root holds no experiment", async () => {
    const empty = await tempRoot();
    try {
      const result = await dashlog(["ls", "--root", empty.dir]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`dashlog: no experiments in ${empty.dir}\n`);
    } finally {
      await empty.remove();
    }
  });

  it("uses DASHLOG_ROOT, then .dash in the working directory", async () => {
    const viaEnv = await dashlog(["ls", "--json"], { env: { DASHLOG_ROOT: fixture.dir } });
    expect(viaEnv.stdout).toContain(`"prefix":"${PREFIX}"`);
    const cwd = await tempRoot();
    try {
      await mkdir(join(cwd.dir, ".dash", "x", "logs"), { recursive: true });
      await writeFile(join(cwd.dir, ".dash", "x", "logs", "logs.jsonl"), "");
      const inCwd = await dashlog(["ls", "--json"], { cwd: cwd.dir });
      expect(inCwd.stdout).toContain('"prefix":"x"');
    } finally {
      await cwd.remove();
    }
  });
});
