import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_MESSAGE } from "./fixtures/training-run.js";
import { PREFIX, storedLines, trainingRoot, type FixtureRoot } from "./helpers/fixture-root.js";
import { dashlog } from "./helpers/run-dashlog.js";

let fixture: FixtureRoot;

beforeAll(async () => {
  fixture = await trainingRoot();
});
afterAll(() => fixture.remove());

/** A small RFC 4180 reader, enough to check what the exporter wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

describe("dashlog export", () => {
  it("--fill carries a sparse gauge's samples forward, one row per log record", async () => {
    const bytes = (await storedLines(fixture.dir, PREFIX, "bytes")).records;
    const logs = (await storedLines(fixture.dir, PREFIX, "logs")).records;
    // bytesAllocated samples every 100 ms of the fixture's clock: fewer samples than events.
    expect(bytes.length).toBeGreaterThan(1);
    expect(bytes.length).toBeLessThan(logs.length);
    const result = await dashlog(["export", PREFIX, "--format", "jsonl", "--stream", "bytes", "--fill", "--root", fixture.dir]);
    expect(result.code).toBe(0);
    const rows = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, number>);
    const first = bytes[0]?.["sequenceNumber"] as number;
    expect(rows.map((r) => r["sequenceNumber"])).toEqual(logs.map((l) => l["sequenceNumber"]).filter((n) => (n as number) >= first));
    const bySequence = new Map(bytes.map((b) => [b["sequenceNumber"], b]));
    for (const row of rows) {
      const sample = bySequence.get(row["sampledAt"] as number);
      expect(sample?.["heapUsed"]).toBe(row["heapUsed"]);
      // The latest sample at or before the row's event.
      const later = bytes.find((b) => (b["sequenceNumber"] as number) > (row["sampledAt"] as number));
      expect((row["sampledAt"] as number) <= (row["sequenceNumber"] as number)).toBe(true);
      if (later !== undefined) expect(later["sequenceNumber"] as number).toBeGreaterThan(row["sequenceNumber"] as number);
    }
    const csv = await dashlog(["export", PREFIX, "--format", "csv", "--stream", "bytes", "--fill", "--root", fixture.dir]);
    expect(csv.stdout.split("\r\n")[0]).toBe("sequenceNumber,sampledAt,heapUsed");
    const refused = await dashlog(["export", PREFIX, "--format", "jsonl", "--fill", "--root", fixture.dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--fill needs --stream/);
  });

  it("--format jsonl writes the logs stream byte for byte", async () => {
    const { text } = await storedLines(fixture.dir, PREFIX, "logs");
    const result = await dashlog(["export", PREFIX, "--format", "jsonl", "--root", fixture.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(text);
  });

  it("--format csv writes a header and one row per record, quoting what needs it", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const out = join(fixture.dir, "logs.csv");
    const result = await dashlog(["export", PREFIX, "--format", "csv", "-o", out, "--root", fixture.dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const rows = parseCsv(await readFile(out, "utf8"));
    expect(rows[0]).toEqual(["timestamp", "level", "message", "metadata", "sequenceNumber"]);
    expect(rows).toHaveLength(records.length + 1);
    const hostile = rows.find((r) => r[2] === HOSTILE_MESSAGE);
    expect(hostile?.[3]).toBe(JSON.stringify(records.find((r) => r["message"] === HOSTILE_MESSAGE)?.["metadata"]));
    expect(rows.slice(1).map((r) => Number(r[4]))).toEqual(records.map((r) => r.sequenceNumber));
    // Nothing left behind but the file itself.
    expect((await readdir(fixture.dir)).filter((f) => f.includes("logs.csv"))).toEqual(["logs.csv"]);
  });

  it("csv of another stream has a column per field", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "cpu");
    const result = await dashlog(["export", PREFIX, "--format", "csv", "--stream", "cpu", "--root", fixture.dir]);
    const rows = parseCsv(result.stdout);
    expect(rows[0]).toEqual(["sequenceNumber", "userUs", "systemUs", "intervalMs"]);
    expect(rows[1]).toEqual(["sequenceNumber", "userUs", "systemUs", "intervalMs"].map((k) => String((records[0] as Record<string, unknown>)[k])));
  });

  it("--format chrome-trace writes one complete event per span", async () => {
    const out = join(fixture.dir, "trace.json");
    const result = await dashlog(["export", PREFIX, "--format", "chrome-trace", "-o", out, "--root", fixture.dir]);
    expect(result.code).toBe(0);
    const trace = JSON.parse(await readFile(out, "utf8")) as { traceEvents: { ph: string; cat?: string; name: string }[]; otherData: { spans: number } };
    const complete = trace.traceEvents.filter((e) => e.ph === "X");
    expect(complete).toHaveLength(fixture.counts.spans);
    expect(trace.otherData.spans).toBe(fixture.counts.spans);
    expect(new Set(complete.map((e) => e.cat))).toEqual(new Set(["epoch", "data", "io"]));
    expect(trace.traceEvents.find((e) => e.ph === "M" && e.name === "process_name")).toMatchObject({ args: { name: PREFIX } });
  });

  it("chrome-trace pairs the core stream's events when asked to", async () => {
    const result = await dashlog(["export", PREFIX, "--format", "chrome-trace", "--stream", "core", "--root", fixture.dir]);
    const trace = JSON.parse(result.stdout) as { traceEvents: { ph: string }[] };
    expect(trace.traceEvents.filter((e) => e.ph === "X")).toHaveLength(fixture.counts.spans);
  });

  it("--level narrows jsonl and csv", async () => {
    const { records } = await storedLines(fixture.dir, PREFIX, "logs");
    const result = await dashlog(["export", PREFIX, "--format", "jsonl", "--level", "error", "--root", fixture.dir]);
    expect(result.stdout.trim().split("\n")).toHaveLength(records.filter((r) => r["level"] === "error" || r["level"] === "fatal").length);
  });

  it("fails with one line for a stream that is not there, and writes no file", async () => {
    const out = join(fixture.dir, "none.jsonl");
    const result = await dashlog(["export", PREFIX, "--format", "jsonl", "--stream", "gpu", "-o", out, "--root", fixture.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`dashlog export: experiment "${PREFIX}" has no stream "gpu"\n`);
    expect((await readdir(fixture.dir)).filter((f) => f.includes("none.jsonl"))).toEqual([]);
  });
});
