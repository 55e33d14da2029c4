import { appendFile, mkdir, truncate, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { FollowOptions, ReadIssue, StoredRecord } from "@dashlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonlReader, jsonlReader } from "../src/jsonl-reader.js";
import { streamFile } from "../src/paths.js";
import { logLine, logRecord, tempDir, waitFor } from "./fixtures/helpers.js";

const PREFIX = "alice/project/my-experiment";
let root: string;
let path: string;
let remove: () => Promise<void>;
let controller: AbortController;
beforeEach(async () => {
  ({ dir: root, remove } = await tempDir());
  path = streamFile(root, PREFIX, "logs");
  controller = new AbortController();
});
afterEach(async () => {
  controller.abort();
  await remove();
});

async function writeStream(content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

interface Following {
  readonly records: StoredRecord[];
  readonly issues: ReadIssue[];
  /** Settles when the follow loop ends. */
  readonly done: Promise<void>;
  seqs(): number[];
}

/** Runs a follow in the background, collecting what it yields. Polls fast so tests finish quickly. */
function follow(options: FollowOptions = {}, reader: JsonlReader = jsonlReader({ root })): Following {
  const records: StoredRecord[] = [];
  const issues: ReadIssue[] = [];
  const iterable = reader.follow(PREFIX, {
    pollIntervalMs: 10,
    signal: controller.signal,
    onIssue: (issue) => issues.push(issue),
    ...options,
  });
  const done = (async () => {
    for await (const record of iterable) records.push(record);
  })();
  return { records, issues, done, seqs: () => records.map((r) => r.sequenceNumber) };
}

// Waits poll with generous timeouts; the test timeout must be above them.
describe("JsonlReader.follow", { timeout: 30_000 }, () => {
  it("yields the existing records, then lines as they are appended", async () => {
    await writeStream(logLine(0) + logLine(1));
    const f = follow();
    await waitFor(() => f.records.length === 2, "the existing records");
    await appendFile(path, logLine(2));
    await appendFile(path, logLine(3) + logLine(4));
    await waitFor(() => f.records.length === 5, "the appended records");
    expect(f.records).toEqual([0, 1, 2, 3, 4].map((seq) => logRecord(seq)));
    controller.abort();
    await f.done;
    expect(f.issues).toEqual([]);
  });

  it("waits for the newline of a line written in two halves", async () => {
    await writeStream("");
    const f = follow();
    const second = logLine(1, { message: "written in two halves, é日🎉" });
    const cut = Math.floor(second.length / 2);
    // The first half lands in the same write as a complete line, so once that line is seen the
    // follower has necessarily looked at the half line too.
    await appendFile(path, logLine(0) + second.slice(0, cut));
    await waitFor(() => f.records.length === 1, "the complete line");
    await appendFile(path, second.slice(cut));
    await waitFor(() => f.records.length === 2, "the completed line");
    expect(f.records).toEqual([logRecord(0), logRecord(1, { message: "written in two halves, é日🎉" })]);
    expect(f.issues).toEqual([]);
  });

  it("starts with only the last `tail` matching records, then follows", async () => {
    await writeStream([0, 1, 2, 3, 4, 5].map((seq) => logLine(seq, { level: seq % 2 === 0 ? "info" : "warn" })).join(""));
    const f = follow({ tail: 2, level: "warn" }, new JsonlReader({ root, chunkSize: 7 }));
    await waitFor(() => f.records.length === 2, "the tail");
    expect(f.seqs()).toEqual([3, 5]);
    await appendFile(path, logLine(6, { level: "info" }) + logLine(7, { level: "warn" }));
    await waitFor(() => f.records.length === 3, "the appended warn");
    expect(f.seqs()).toEqual([3, 5, 7]);
  });

  it("with tail, leaves a half-written last line until it is complete", async () => {
    const last = logLine(2);
    await writeStream(logLine(0) + logLine(1) + last.slice(0, 20));
    const f = follow({ tail: 1 });
    await waitFor(() => f.records.length === 1, "the tail");
    expect(f.seqs()).toEqual([1]);
    await appendFile(path, last.slice(20));
    await waitFor(() => f.records.length === 2, "the completed line");
    expect(f.seqs()).toEqual([1, 2]);
    expect(f.issues).toEqual([]);
  });

  it("reports a bad appended line with its line number, also after starting from a tail", async () => {
    await writeStream(logLine(0) + "\n" + logLine(1) + logLine(2));
    const whole = follow();
    const tailed = follow({ tail: 1 }, new JsonlReader({ root, chunkSize: 5 }));
    await waitFor(() => whole.records.length === 3 && tailed.records.length === 1, "the start");
    await appendFile(path, "garbage\n" + logLine(3));
    await waitFor(() => whole.records.length === 4 && tailed.records.length === 2, "the appended record");
    for (const f of [whole, tailed]) {
      expect(f.issues.map((i) => [i.kind, i.line, i.text])).toEqual([["malformed", 5, "garbage"]]);
    }
  });

  it("reads a truncated file again from its start", async () => {
    await writeStream(logLine(0) + logLine(1));
    const f = follow();
    await waitFor(() => f.records.length === 2, "the first records");
    await truncate(path, 0);
    await appendFile(path, logLine(0, { message: "again" }));
    await waitFor(() => f.records.length === 3, "the record of the new content");
    expect(f.records[2]).toEqual(logRecord(0, { message: "again" }));
  });

  it("sees appends through fs.watch even when polling is too slow to", async () => {
    await writeStream(logLine(0));
    const f = follow({ pollIntervalMs: 600_000 });
    await waitFor(() => f.records.length === 1, "the existing record");
    await appendFile(path, logLine(1));
    await waitFor(() => f.records.length === 2, "the appended record via a change notification");
  });

  it("ends when the signal aborts, also while waiting for a file that never comes", async () => {
    await writeStream(logLine(0));
    const waiting = follow();
    const neverThere = follow({ stream: "never" });
    await waitFor(() => waiting.records.length === 1, "the record");
    controller.abort();
    await Promise.all([waiting.done, neverThere.done]);
    expect(neverThere.records).toEqual([]);
    const already = follow();
    await already.done;
    expect(already.records).toEqual([]);
  });

  it("throws clear errors for bad follow options before reading", () => {
    const reader = jsonlReader({ root });
    expect(() => reader.follow(PREFIX, { pollIntervalMs: 0 })).toThrow(/pollIntervalMs must be a number of milliseconds above 0/);
    expect(() => reader.follow(PREFIX, { pollIntervalMs: Number.POSITIVE_INFINITY })).toThrow(/pollIntervalMs/);
    expect(() => reader.follow(PREFIX, { tail: -2 })).toThrow(/tail must be a non-negative integer, got -2/);
    expect(() => reader.follow(PREFIX, { levels: ["info", "nope" as never] })).toThrow(/levels\[1\]/);
  });
});
