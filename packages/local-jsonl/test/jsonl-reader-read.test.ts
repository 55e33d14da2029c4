import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { InvalidArgumentError, InvalidLevelError, InvalidPrefixError, type ReadIssue } from "@dashlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonlReader, jsonlReader } from "../src/jsonl-reader.js";
import { streamFile } from "../src/paths.js";
import { collect, logLine, logRecord, tempDir, timeAt } from "./fixtures/helpers.js";

const PREFIX = "alice/project/my-experiment";
let root: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir: root, remove } = await tempDir()));
afterEach(() => remove());

async function writeStream(content: string, stream = "logs", prefix = PREFIX): Promise<string> {
  const path = streamFile(root, prefix, stream);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

const LEVELS_IN_FILE = ["debug", "info", "warn", "error", "fatal", "info", "warn"] as const;
const levelFile = (): string => LEVELS_IN_FILE.map((level, seq) => logLine(seq, { level })).join("");

describe("JsonlReader.read", () => {
  it("reads every record of logs.jsonl back, oldest first", async () => {
    await writeStream(logLine(0) + logLine(1, { level: "warn", metadata: { epoch: 1, loss: 0.5 } }) + logLine(2));
    const records = await collect(jsonlReader({ root }).read(PREFIX));
    expect(records).toEqual([logRecord(0), logRecord(1, { level: "warn", metadata: { epoch: 1, loss: 0.5 } }), logRecord(2)]);
  });

  it("reports a garbage middle line and a torn last line with their line numbers and keeps the rest", async () => {
    const torn = logLine(3).slice(0, 25);
    await writeStream(logLine(0) + logLine(1) + "}{ not json\n" + logLine(2) + torn);
    const issues: ReadIssue[] = [];
    const records = await collect(new JsonlReader({ root, chunkSize: 16 }).read(PREFIX, { onIssue: (i) => issues.push(i) }));
    expect(records.map((r) => r.sequenceNumber)).toEqual([0, 1, 2]);
    expect(issues).toEqual([
      expect.objectContaining({ kind: "malformed", line: 3, text: "}{ not json" }),
      expect.objectContaining({ kind: "torn", line: 5, text: torn }),
    ]);
  });

  it("reports JSON of the wrong shape as invalid, counting blank lines in the numbering", async () => {
    await writeStream(logLine(0) + "\n" + logLine(1, { level: "info" }).replace('"info"', '"loud"') + logLine(2));
    const issues: ReadIssue[] = [];
    const records = await collect(jsonlReader({ root }).read(PREFIX, { onIssue: (i) => issues.push(i) }));
    expect(records.map((r) => r.sequenceNumber)).toEqual([0, 2]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: "invalid", line: 3 });
    expect(issues[0]?.message).toContain("level");
  });

  it("keeps an unterminated last line that parses: only its newline was lost", async () => {
    await writeStream(logLine(0) + logLine(1).trimEnd());
    const issues: ReadIssue[] = [];
    const records = await collect(jsonlReader({ root }).read(PREFIX, { onIssue: (i) => issues.push(i) }));
    expect(records.map((r) => r.sequenceNumber)).toEqual([0, 1]);
    expect(issues).toEqual([]);
  });

  it("reads CRLF files and multi-byte text at any chunk size", async () => {
    const messages = ["naïve", "日本語のログ", "🎉 done"];
    await writeStream(messages.map((message, seq) => logLine(seq, { message }).replace("\n", "\r\n")).join(""));
    for (const chunkSize of [1, 3, 5, 1024]) {
      const records = await collect(new JsonlReader({ root, chunkSize }).read(PREFIX));
      expect(records.map((r) => r["message"])).toEqual(messages);
    }
  });

  it("yields nothing for a missing file or a missing experiment", async () => {
    await writeStream(logLine(0));
    expect(await collect(jsonlReader({ root }).read(PREFIX, { stream: "bytes" }))).toEqual([]);
    expect(await collect(jsonlReader({ root }).read("nobody/nothing"))).toEqual([]);
    expect(await collect(jsonlReader({ root: `${root}/not-there` }).read(PREFIX))).toEqual([]);
  });

  it("reads another stream with the loose schema and keeps its fields", async () => {
    await writeStream('{"heapUsed":10,"sequenceNumber":0}\n{"heapUsed":12}\n{"heapUsed":14,"sequenceNumber":2}\n', "bytes");
    const issues: ReadIssue[] = [];
    const records = await collect(jsonlReader({ root }).read(PREFIX, { stream: "bytes", onIssue: (i) => issues.push(i) }));
    expect(records).toEqual([
      { heapUsed: 10, sequenceNumber: 0 },
      { heapUsed: 14, sequenceNumber: 2 },
    ]);
    expect(issues.map((i) => [i.kind, i.line])).toEqual([["invalid", 2]]);
  });

  it("rejects a logs line with fields beyond the seed's five", async () => {
    await writeStream(`${JSON.stringify({ ...logRecord(0), extra: true })}\n${logLine(1)}`);
    const issues: ReadIssue[] = [];
    const records = await collect(jsonlReader({ root }).read(PREFIX, { onIssue: (i) => issues.push(i) }));
    expect(records.map((r) => r.sequenceNumber)).toEqual([1]);
    expect(issues.map((i) => [i.kind, i.line])).toEqual([["invalid", 1]]);
  });

  it("filters by minimum level, by an exact set of levels, and by both", async () => {
    await writeStream(levelFile());
    const reader = jsonlReader({ root });
    const seqs = async (options: Parameters<JsonlReader["read"]>[1]): Promise<number[]> =>
      (await collect(reader.read(PREFIX, options))).map((r) => r.sequenceNumber);
    expect(await seqs({ level: "warn" })).toEqual([2, 3, 4, 6]);
    expect(await seqs({ levels: ["debug", "fatal"] })).toEqual([0, 4]);
    expect(await seqs({ level: "warn", levels: ["info", "error"] })).toEqual([3]);
  });

  it("filters by an inclusive time range given as Date, ISO string or epoch ms", async () => {
    await writeStream([0, 1, 2, 3, 4].map((seq) => logLine(seq, { second: seq * 10 })).join(""));
    const reader = jsonlReader({ root });
    const seqs = async (options: Parameters<JsonlReader["read"]>[1]): Promise<number[]> =>
      (await collect(reader.read(PREFIX, options))).map((r) => r.sequenceNumber);
    expect(await seqs({ since: timeAt(10), until: new Date(timeAt(30)) })).toEqual([1, 2, 3]);
    expect(await seqs({ since: Date.parse(timeAt(25)) })).toEqual([3, 4]);
    expect(await seqs({ until: timeAt(5) })).toEqual([0]);
  });

  it("filters by an inclusive sequence range", async () => {
    await writeStream([0, 1, 2, 3, 4, 5].map((seq) => logLine(seq)).join(""));
    const records = await collect(jsonlReader({ root }).read(PREFIX, { fromSequence: 2, toSequence: 4 }));
    expect(records.map((r) => r.sequenceNumber)).toEqual([2, 3, 4]);
  });

  it("stops when the signal aborts", async () => {
    await writeStream([0, 1, 2, 3, 4].map((seq) => logLine(seq)).join(""));
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const record of jsonlReader({ root, chunkSize: 8 }).read(PREFIX, { signal: controller.signal })) {
      seen.push(record.sequenceNumber);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual([0, 1]);
    expect(await collect(jsonlReader({ root }).read(PREFIX, { signal: controller.signal }))).toEqual([]);
  });

  it("reads the file as it was when opened, even if it grows meanwhile", async () => {
    const path = await writeStream(logLine(0) + logLine(1));
    const seen: number[] = [];
    for await (const record of jsonlReader({ root }).read(PREFIX)) {
      seen.push(record.sequenceNumber);
      if (seen.length === 1) await appendFile(path, logLine(2));
    }
    expect(seen).toEqual([0, 1]);
  });

  it("throws clear errors for bad options before any reading", () => {
    const reader = jsonlReader({ root });
    // Cast: the test feeds values the types forbid, as untyped callers can.
    expect(() => reader.read(PREFIX, { level: "loud" as never })).toThrow(InvalidLevelError);
    expect(() => reader.read(PREFIX, { since: "yesterday" })).toThrow(/since must be a Date/);
    expect(() => reader.read(PREFIX, { fromSequence: -1 })).toThrow(/fromSequence must be a non-negative integer/);
    expect(() => reader.read("../escape")).toThrow(InvalidPrefixError);
    expect(() => reader.read(PREFIX, { stream: "../x" })).toThrow(InvalidPrefixError);
    expect(() => jsonlReader({ root, chunkSize: 0 })).toThrow(/chunkSize must be a positive integer/);
    expect(() => jsonlReader({ root: "" })).toThrow(InvalidArgumentError);
  });
});
