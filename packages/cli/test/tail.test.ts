import { execFile } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_MESSAGE } from "./fixtures/training-run.js";
import { PREFIX, storedLines, trainingRoot, type FixtureRoot } from "./helpers/fixture-root.js";
import { BIN, cleanEnv, collectOutput, dashlog, startDashlog } from "./helpers/run-dashlog.js";

const ESC = "\u001b";
let fixture: FixtureRoot;

beforeAll(async () => {
  fixture = await trainingRoot();
});
afterAll(() => fixture.remove());

describe("dashlog tail", () => {
  it("prints the last 50 records, aligned, without colour in a pipe", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const result = await dashlog(["tail", PREFIX, "--root", fixture.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(ESC);
    const lines = result.stdout.split("\n").filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(Math.min(50, records.length));
    const last = records.at(-1) as { message: string; sequenceNumber: number };
    expect(lines.at(-1)).toContain(last.message);
    expect(lines.at(-1)).toMatch(new RegExp(`^2025-10-29 \\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  INFO +#${last.sequenceNumber}  `));
    // Aligned: the message starts in the same column on every line.
    const columns = new Set(lines.map((l) => l.indexOf("#") + l.slice(l.indexOf("#")).indexOf("  ")));
    expect(columns.size).toBe(1);
  });

  it("--json prints the stored records exactly, one per line", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const result = await dashlog(["tail", PREFIX, "-n", "7", "--json", "--root", fixture.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(records.slice(-7).map((r) => `${JSON.stringify(r)}\n`).join(""));
  });

  it("filters by --level and --since / --until", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const warnOrWorse = records.filter((r) => ["warn", "error", "fatal"].includes(r["level"] as string));
    const byLevel = await dashlog(["tail", PREFIX, "--level", "warn", "--json", "--root", fixture.dir]);
    expect(byLevel.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(warnOrWorse);

    const pivot = records[20] as unknown as { timestamp: string };
    const since = await dashlog(["tail", PREFIX, "-n", "1000", "--since", pivot.timestamp, "--json", "--root", fixture.dir]);
    const expected = records.filter((r) => Date.parse(r["timestamp"] as string) >= Date.parse(pivot.timestamp));
    expect(since.stdout.trim().split("\n")).toHaveLength(expected.length);

    // The fixture was logged in 2025: nothing is newer than ten minutes ago.
    const recent = await dashlog(["tail", PREFIX, "--since", "10m", "--root", fixture.dir]);
    expect(recent.code).toBe(0);
    expect(recent.stdout).toBe("");
  });

  it("reads another stream with --stream", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "memory");
    const result = await dashlog(["tail", PREFIX, "--stream", "memory", "-n", "2", "--root", fixture.dir]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const last = records.at(-1) as Record<string, number>;
    expect(lines[1]).toContain(`#${last["sequenceNumber"]}`);
    expect(lines[1]).toContain(`rss=${last["rss"]}`);
  });

  it("shows terminal escapes in messages as text, never raw", async () => {
    const result = await dashlog(["tail", PREFIX, "--level", "error", "--root", fixture.dir]);
    expect(HOSTILE_MESSAGE).toContain(ESC);
    expect(result.stdout).not.toContain(ESC);
    expect(result.stdout).toContain("\\x1b[31mred");
    // A multi-line metadata value (a stack) continues on indented lines.
    expect(result.stdout).toMatch(/\n {4}stack:\n {6}Error: boom\n {10}at train/);
  });

  it("colours for FORCE_COLOR, and NO_COLOR wins over a terminal", async () => {
    const forced = await dashlog(["tail", PREFIX, "-n", "3", "--root", fixture.dir], { env: { FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain(`${ESC}[32mINFO `);
    const script = promisify(execFile);
    const tty = (env: Record<string, string>) =>
      script("script", ["-qec", `"${process.execPath}" "${BIN}" tail ${PREFIX} -n 3 --root "${fixture.dir}"`, "/dev/null"], {
        env: cleanEnv({ TERM: "xterm-256color", ...env }),
      });
    const onTerminal = await tty({});
    expect(onTerminal.stdout).toContain(`${ESC}[32mINFO `);
    const noColor = await tty({ NO_COLOR: "1" });
    expect(noColor.stdout).toContain("INFO ");
    expect(noColor.stdout).not.toContain(`${ESC}[`);
  });

  it("reports a torn last line on stderr and prints the rest", async () => {
    const dir = join(fixture.dir, "torn", "logs");
    await mkdir(dir, { recursive: true });
    const good = { timestamp: "2025-10-29T10:30:00.000Z", level: "info", message: "kept", metadata: null, sequenceNumber: 0 };
    await writeFile(join(dir, "logs.jsonl"), `${JSON.stringify(good)}\n{"timestamp":"2025-10-29T10:30:01.000Z","lev`);
    const result = await dashlog(["tail", "torn", "--root", fixture.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("kept");
    expect(result.stderr).toMatch(/^dashlog: warning: logs line 2 skipped \(torn\)/);
  });

  it("fails with one line for an experiment that does not exist", async () => {
    const result = await dashlog(["tail", "alice/nothing", "--root", fixture.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`dashlog tail: no experiment "alice/nothing" in ${fixture.dir} (\`dashlog ls\` lists them)\n`);
  });

  it("--follow prints records appended later, until interrupted", async () => {
    const dir = join(fixture.dir, "live", "logs");
    await mkdir(dir, { recursive: true });
    const file = join(dir, "logs.jsonl");
    const record = (n: number) => ({ timestamp: "2025-10-29T10:30:00.000Z", level: "info", message: `line ${n}`, metadata: null, sequenceNumber: n });
    await writeFile(file, `${JSON.stringify(record(0))}\n`);
    const child = startDashlog(["tail", "live", "--follow", "--json", "--root", fixture.dir]);
    const output = collectOutput(child);
    try {
      await output.until((out) => out.includes('"line 0"'));
      await appendFile(file, `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`);
      const out = await output.until((o) => o.includes('"line 2"'));
      expect(out.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual([record(0), record(1), record(2)]);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    }
  });
});
