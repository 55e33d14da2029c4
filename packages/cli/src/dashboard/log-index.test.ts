import { mkdtemp, mkdir, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { CHECKPOINT_RECORDS, LogIndex } from "./log-index.js";
import { localPositionedReader } from "./local-positioned-reader.js";
import type { PositionedReader } from "./positioned-reader.js";

const PREFIX = "a/b/c";
const T0 = Date.UTC(2025, 0, 1);
const LEVELS = ["debug", "info", "info", "info", "warn"] as const;
let root: string;

const line = (i: number): string =>
  `${JSON.stringify({ timestamp: new Date(T0 + i * 1000).toISOString(), level: i === 777 ? "error" : LEVELS[i % 5], message: `message ${i}`, metadata: i % 2 ? { i } : null, sequenceNumber: i })}\n`;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dashlog-index-"));
  await mkdir(join(root, "a/b/c/logs"), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function indexOf(count: number, extra = ""): Promise<LogIndex> {
  let text = "";
  for (let i = 0; i < count; i++) text += line(i);
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text + extra);
  const unreadable: number[] = [];
  const index = new LogIndex(localPositionedReader(root), PREFIX, undefined, () => unreadable.push(1));
  await index.update();
  return index;
}

it("pages any range by log order from the nearest checkpoint", async () => {
  const index = await indexOf(3 * CHECKPOINT_RECORDS + 10);
  expect(index.total).toBe(3 * CHECKPOINT_RECORDS + 10);
  const page = await index.range(CHECKPOINT_RECORDS - 2, 5);
  expect(page.rows.map((r) => r[0])).toEqual([254, 255, 256, 257, 258]);
  expect(page.rows[1]).toEqual([255, T0 + 255_000, "debug", "message 255", '{"i":255}']);
  expect((await index.range(index.total - 1, 50)).rows.map((r) => r[0])).toEqual([index.total - 1]);
  expect((await index.range(index.total, 50)).rows).toEqual([]);
});

it("takes in appended records and leaves a line still being written for later", async () => {
  const index = await indexOf(10, '{"timestamp":"2025-01-01T00:00:10.000Z","level":"info","mess');
  expect(index.total).toBe(10);
  await appendFile(join(root, "a/b/c/logs/logs.jsonl"), 'age":"late","metadata":null,"sequenceNumber":10}\n');
  expect(await index.update()).toBe(1);
  expect((await index.range(10, 1)).rows[0]?.[3]).toBe("late");
  expect(index.levels.info + index.levels.debug + index.levels.warn).toBe(11);
});

it("searches newest first by level, text and time, skipping checkpoints without the level, with a cursor", async () => {
  const index = await indexOf(4 * CHECKPOINT_RECORDS);
  const errors = await index.search({ levels: ["error"] }, null, 10);
  expect(errors.rows.map((r) => r[0])).toEqual([777]);
  expect(errors.next).toBeNull();
  const text = await index.search({ text: "MESSAGE 100" }, null, 5);
  expect(text.rows.map((r) => r[0])).toEqual([1009, 1008, 1007, 1006, 1005]);
  expect(text.next).toBe("1005");
  const more = await index.search({ text: "MESSAGE 100" }, text.next, 1000);
  expect(more.rows.map((r) => r[0])).toEqual([1004, 1003, 1002, 1001, 1000, 100]);
  expect(more.next).toBeNull();
  const timed = await index.search({ since: T0 + 100_000, until: T0 + 102_000 }, null, 100);
  expect(timed.rows.map((r) => r[0])).toEqual([102, 101, 100]);
  expect(timed.next).toBeNull();
  await expect(index.search({}, "99999", 10)).rejects.toThrow("cursor must be a log position up to 1024, got \"99999\"");
});

it("interpolates the time of a sequence number between checkpoints", async () => {
  const index = await indexOf(2 * CHECKPOINT_RECORDS);
  expect(index.timeOfSequence(CHECKPOINT_RECORDS)).toBe(T0 + CHECKPOINT_RECORDS * 1000);
  expect(index.timeOfSequence(100)).toBe(T0 + 100_000);
  expect(index.timeOfSequence(10_000)).toBe(T0 + (2 * CHECKPOINT_RECORDS - 1) * 1000);
});

it("counts and places records without parsing them, pages them at once, and the parse fills in the rest", async () => {
  let text = "";
  for (let i = 0; i < 3 * CHECKPOINT_RECORDS + 5; i++) text += line(i);
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), `${text}{"torn":`);
  const index = new LogIndex(localPositionedReader(root), PREFIX);
  await index.skim();
  expect([index.total, index.parsed]).toEqual([3 * CHECKPOINT_RECORDS + 5, 0]);
  expect((await index.range(index.total - 2, 2)).rows.map((r) => r[3])).toEqual([`message ${index.total - 2}`, `message ${index.total - 1}`]);
  // Before the parse, a filter cannot skip a checkpoint, but it finds what is there.
  expect((await index.search({ levels: ["warn"], text: "message 70" }, null, 10)).rows.map((r) => r[0])).toEqual([709, 704]);
  await appendFile(join(root, "a/b/c/logs/logs.jsonl"), `"late"}\n${line(3 * CHECKPOINT_RECORDS + 6)}`);
  await index.update();
  expect(index.parsed).toBe(index.total);
  expect(index.total).toBe(3 * CHECKPOINT_RECORDS + 6);
  const warns = [...Array(3 * CHECKPOINT_RECORDS + 5).keys(), 3 * CHECKPOINT_RECORDS + 6].filter((i) => i % 5 === 4).length;
  expect(index.levels.warn).toBe(warns);
  expect(index.timeOfSequence(CHECKPOINT_RECORDS)).toBe(T0 + CHECKPOINT_RECORDS * 1000);
  await index.skim();
  expect(index.total).toBe(3 * CHECKPOINT_RECORDS + 6);
});

it("finds a rare text by reading only the checkpoints its trigrams may be in, and never misses a match", async () => {
  let text = "";
  const n = 40 * CHECKPOINT_RECORDS;
  for (let i = 0; i < n; i++) text += i === 3000 ? line(i).replace(`message ${i}`, "Needle in the HAYSTACK") : line(i);
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text);
  const reader = localPositionedReader(root);
  let reads = 0;
  const counting = { ...reader, readFrom: (...args: Parameters<typeof reader.readFrom>) => (reads++, reader.readFrom(...args)) };
  const index = new LogIndex(counting, PREFIX);
  await index.update();
  reads = 0;
  // The search may answer early with a cursor (once it has a row, after FIRST_ROWS_MS): follow it to the end.
  const found: number[] = [];
  let next: string | null = null;
  do {
    const page = await index.search({ text: "needle in the haystack" }, next, 10);
    found.push(...page.rows.map((r) => r[0]));
    next = page.next;
  } while (next !== null);
  expect(found).toEqual([3000]);
  expect(reads).toBeLessThan(4);
  // Substrings of real records, checked against reading every record: nothing skipped wrongly.
  for (const needle of ["message 1023", "ssage 77", '{"i":5', "EEDLE", "message 10239"]) {
    const all = (await index.range(0, n)).rows.filter((r) => r[3].toLowerCase().includes(needle.toLowerCase()) || (r[4] ?? "").toLowerCase().includes(needle.toLowerCase()));
    const rows = [];
    let cursor: string | null = null;
    do {
      const page = await index.search({ text: needle }, cursor, 1000);
      rows.push(...page.rows);
      cursor = page.next;
    } while (cursor !== null);
    expect(rows.map((r) => r[0])).toEqual(all.map((r) => r[0]).reverse());
  }
});

it("counts records once when requests ask it to count at the same time", async () => {
  let text = "";
  for (let i = 0; i < 3 * CHECKPOINT_RECORDS; i++) text += line(i);
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text);
  const index = new LogIndex(localPositionedReader(root), PREFIX);
  await Promise.all([index.skim(), index.skim(), index.skim()]);
  expect(index.total).toBe(3 * CHECKPOINT_RECORDS);
  await Promise.all([index.update(), index.skim()]);
  await index.skim();
  expect([index.total, index.parsed]).toEqual([3 * CHECKPOINT_RECORDS, 3 * CHECKPOINT_RECORDS]);
});

it("uses the text index for a run first counted without parsing, once the parse has been through it", async () => {
  let text = "";
  const n = 20 * CHECKPOINT_RECORDS;
  for (let i = 0; i < n; i++) text += i === 4000 ? line(i).replace(`message ${i}`, "the only needle") : line(i);
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text);
  const reader = localPositionedReader(root);
  let reads = 0;
  const counting = { ...reader, readFrom: (...args: Parameters<typeof reader.readFrom>) => (reads++, reader.readFrom(...args)) };
  const index = new LogIndex(counting, PREFIX);
  await index.skim();
  // Counted, not parsed: nothing can be ruled out yet, and the match is still found.
  const early: number[] = [];
  let next: string | null = null;
  do {
    const page = await index.search({ text: "only needle" }, next, 10);
    early.push(...page.rows.map((r) => r[0]));
    next = page.next;
  } while (next !== null);
  expect(early).toEqual([4000]);
  await index.update();
  reads = 0;
  const page = await index.search({ text: "only needle" }, null, 10);
  expect(page.rows.map((r) => r[0])).toEqual([4000]);
  expect(reads).toBeLessThan(4);
});

it("filters a joined run's records by worker, reading only checkpoints that hold one of those workers", async () => {
  // Four ranks write in turns of 64 records; rank "late" joined only for the last 10 records.
  const count = 8 * CHECKPOINT_RECORDS;
  let text = "";
  for (let i = 0; i < count; i++) {
    const worker = i >= count - 10 ? "late" : String(Math.floor(i / 64) % 4);
    text += `${JSON.stringify({ timestamp: new Date(T0 + i).toISOString(), level: "info", message: `m ${i}`, metadata: null, sequenceNumber: i, worker })}\n`;
  }
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text);
  let read = 0;
  const local = localPositionedReader(root);
  const counting: PositionedReader = {
    async *readFrom(prefix, stream, from, options) {
      for await (const batch of local.readFrom(prefix, stream, from, options)) {
        read += batch.length;
        yield batch;
      }
    },
  };
  const index = new LogIndex(counting, PREFIX);
  await index.update();
  expect([...index.workers]).toEqual([["0", 512], ["1", 512], ["2", 512], ["3", 502], ["late", 10]]);
  read = 0;
  const late = await index.search({ workers: ["late"] }, null, 100);
  expect(late.rows.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => count - 1 - i));
  expect(late.rows.every((r) => r[5] === "late")).toBe(true);
  expect(late.next).toBeNull();
  // Only the last checkpoint holds "late": the other seven are skipped unread.
  expect(read).toBeLessThanOrEqual(CHECKPOINT_RECORDS);
  const two = await index.search({ workers: ["1", "late"], levels: ["info"] }, null, 5);
  expect(two.rows.map((r) => [r[0], r[5]])).toEqual([[2047, "late"], [2046, "late"], [2045, "late"], [2044, "late"], [2043, "late"]]);
  const ones = await index.search({ workers: ["1"] }, null, 3);
  expect(ones.rows.map((r) => [r[0], r[5]])).toEqual([[1919, "1"], [1918, "1"], [1917, "1"]]);
  // A worker no record names matches nothing (and reads nothing).
  read = 0;
  expect((await index.search({ workers: ["nobody"] }, null, 10)).rows).toEqual([]);
  expect(read).toBe(0);
  // Rows of records without a worker stay five long; a joined run's carry it sixth.
  expect((await index.range(0, 1)).rows[0]).toEqual([0, T0, "info", "m 0", null, "0"]);
});

it("finds every record of a time range when a joined run's workers appended their batches out of time order", async () => {
  // Two workers append batches of 100 alternately; worker b's records are 150 s behind a's
  // (it flushed late), so the file's times go back at every batch.
  let text = "";
  let seq = 0;
  for (let batch = 0; batch < 8; batch++) {
    for (const [worker, lag] of [["a", 0], ["b", -150_000]] as const) {
      for (let i = 0; i < 100; i++) {
        const ms = (batch * 100 + i) * 1000 + lag;
        text += `${JSON.stringify({ timestamp: new Date(T0 + ms).toISOString(), level: "info", message: `${worker} ${batch * 100 + i}`, metadata: null, sequenceNumber: seq++, worker })}\n`;
      }
    }
  }
  await writeFile(join(root, "a/b/c/logs/logs.jsonl"), text);
  const index = new LogIndex(localPositionedReader(root), PREFIX);
  await index.update();
  const since = T0 + 300_000;
  const until = T0 + 310_000;
  const page = await index.search({ since, until }, null, 1000);
  const expected = text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { timestamp: string; message: string })
    .filter((r) => Date.parse(r.timestamp) >= since && Date.parse(r.timestamp) <= until)
    .map((r) => r.message)
    .reverse();
  expect(expected).toHaveLength(22);
  expect(page.rows.map((r) => r[3])).toEqual(expected);
  expect(page.next).toBeNull();
});
