import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ReadIssue } from "@dashlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonlReader, jsonlReader } from "../src/jsonl-reader.js";
import { streamFile } from "../src/paths.js";
import { collect, logLine, logRecord, tempDir } from "./fixtures/helpers.js";

const PREFIX = "alice/project/my-experiment";
let root: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir: root, remove } = await tempDir()));
afterEach(() => remove());

async function writeStream(content: string, stream = "logs"): Promise<void> {
  const path = streamFile(root, PREFIX, stream);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe("JsonlReader.tail", () => {
  it("returns the last n records, oldest first", async () => {
    await writeStream(range(0, 10).map((seq) => logLine(seq)).join(""));
    expect(await jsonlReader({ root }).tail(PREFIX, 3)).toEqual([logRecord(7), logRecord(8), logRecord(9)]);
  });

  it("agrees with read() for every n at chunk sizes that split lines and characters", async () => {
    const messages = ["start", "é", "日本語", "🎉🎉", "plain", "ü€", "end"];
    await writeStream(messages.map((message, seq) => logLine(seq, { message })).join(""));
    const all = await collect(jsonlReader({ root }).read(PREFIX));
    for (const chunkSize of [1, 2, 3, 7, 50, 65536]) {
      const reader = new JsonlReader({ root, chunkSize });
      for (let n = 0; n <= messages.length + 1; n += 1) {
        expect(await reader.tail(PREFIX, n), `chunkSize ${chunkSize}, n ${n}`).toEqual(all.slice(Math.max(0, all.length - n)));
      }
    }
  });

  it("counts only matching records", async () => {
    const levels = ["info", "warn", "info", "error", "info", "info", "warn"] as const;
    await writeStream(levels.map((level, seq) => logLine(seq, { level })).join(""));
    const reader = new JsonlReader({ root, chunkSize: 5 });
    expect((await reader.tail(PREFIX, 2, { level: "warn" })).map((r) => r.sequenceNumber)).toEqual([3, 6]);
    expect((await reader.tail(PREFIX, 10, { levels: ["error"] })).map((r) => r.sequenceNumber)).toEqual([3]);
    expect((await reader.tail(PREFIX, 2, { toSequence: 4 })).map((r) => r.sequenceNumber)).toEqual([3, 4]);
  });

  it("reports a garbage middle line and a torn last line with their line numbers", async () => {
    await writeStream(logLine(0) + logLine(1) + "not json at all\n" + logLine(2) + '{"timestamp":"2025-');
    const issues: ReadIssue[] = [];
    const records = await new JsonlReader({ root, chunkSize: 9 }).tail(PREFIX, 5, { onIssue: (i) => issues.push(i) });
    expect(records.map((r) => r.sequenceNumber)).toEqual([0, 1, 2]);
    expect(issues.map((i) => [i.kind, i.line, i.text])).toEqual([
      ["malformed", 3, "not json at all"],
      ["torn", 5, '{"timestamp":"2025-'],
    ]);
  });

  it("numbers lines correctly past blank lines and CRLF endings", async () => {
    await writeStream(`${logLine(0)}\r\n\n${logLine(1).replace("\n", "\r\n")}oops\r\n${logLine(2)}`);
    const issues: ReadIssue[] = [];
    await new JsonlReader({ root, chunkSize: 4 }).tail(PREFIX, 3, { onIssue: (i) => issues.push(i) });
    expect(issues.map((i) => [i.kind, i.line, i.text])).toEqual([["malformed", 5, "oops"]]);
  });

  it("reads back only as far as it needs: a bad line before the n-th match is not visited", async () => {
    await writeStream("early garbage\n" + range(0, 5).map((seq) => logLine(seq)).join(""));
    const issues: ReadIssue[] = [];
    const records = await new JsonlReader({ root, chunkSize: 16 }).tail(PREFIX, 2, { onIssue: (i) => issues.push(i) });
    expect(records.map((r) => r.sequenceNumber)).toEqual([3, 4]);
    expect(issues).toEqual([]);
  });

  it("gives nothing for a missing file or experiment, and for n = 0", async () => {
    const reader = jsonlReader({ root });
    expect(await reader.tail(PREFIX, 5)).toEqual([]);
    expect(await reader.tail("nobody/nothing", 5, { stream: "bytes" })).toEqual([]);
    await writeStream(logLine(0));
    expect(await reader.tail(PREFIX, 0)).toEqual([]);
  });

  it("rejects with the abort reason when aborted", async () => {
    await writeStream(range(0, 50).map((seq) => logLine(seq)).join(""));
    const reason = new Error("stop");
    await expect(jsonlReader({ root }).tail(PREFIX, 5, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const controller = new AbortController();
    // Aborted after tail() started: the backwards scan notices between chunks.
    const pending = new JsonlReader({ root, chunkSize: 1 }).tail(PREFIX, 50, { signal: controller.signal });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("rejects a bad count or bad options clearly", async () => {
    const reader = jsonlReader({ root });
    await expect(reader.tail(PREFIX, -1)).rejects.toThrow(/n must be a non-negative integer, got -1/);
    await expect(reader.tail(PREFIX, 1.5)).rejects.toThrow(/n must be a non-negative integer/);
    await expect(reader.tail(PREFIX, 1, { until: Number.NaN })).rejects.toThrow(/until must be/);
  });
});
