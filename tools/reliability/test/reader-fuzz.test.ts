import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { logRecordSchema, type ReadIssue, type StoredRecord } from "@dashlog/core";
import { jsonlReader, streamFile } from "@dashlog/local-jsonl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileString } from "./support/hostile-values.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const RUNS = scaled(150, 2000);
const NEWLINE = 0x0a;

let box: Sandbox;
let caseNumber = 0;
beforeAll(async () => {
  box = await sandbox();
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await box.remove();
}, HOOK_TIMEOUT_MS);

/** Writes `bytes` as the stream file of a new experiment and returns where to read it. */
async function writeCase(bytes: Uint8Array, stream = "logs"): Promise<{ root: string; prefix: string; stream: string }> {
  const root = join(box.dir, `case-${caseNumber++}`);
  const prefix = "fuzz/reader";
  const file = streamFile(root, prefix, stream);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return { root, prefix, stream };
}

interface Outcome {
  readonly read: StoredRecord[];
  readonly issues: ReadIssue[];
}

/**
 * Reads the case with read(), tail() of every size up to the count and one more, and follow()
 * aborted once it has delivered what it should; each must finish without throwing and agree
 * with read().
 */
async function readEveryWay(where: { root: string; prefix: string; stream: string }, chunkSize: number): Promise<Outcome> {
  const reader = jsonlReader({ root: where.root, chunkSize });
  const issues: ReadIssue[] = [];
  const read: StoredRecord[] = [];
  const order: ReadIssue[] = [];
  for await (const record of reader.read(where.prefix, { stream: where.stream, onIssue: (i) => (i.kind === "out-of-order" ? order : issues).push(i) })) read.push(record);
  // Out-of-order reports (random sequence numbers here) are exactly the records at or below the highest number before them.
  let highest = -1;
  const expectedOrder: number[] = [];
  read.forEach((record, i) => {
    if (record.sequenceNumber <= highest) expectedOrder.push(i);
    else highest = record.sequenceNumber;
  });
  expect(order.length).toBe(expectedOrder.length);

  for (const n of new Set([0, 1, Math.floor(read.length / 2), read.length, read.length + 1])) {
    const tailIssues: ReadIssue[] = [];
    const tail = await reader.tail(where.prefix, n, { stream: where.stream, onIssue: (i) => tailIssues.push(i) });
    expect(tail).toEqual(n === 0 ? [] : read.slice(-n));
    // tail() only looks at the lines it needs, and reports what it saw with the same line numbers.
    for (const issue of tailIssues) expect(issues).toContainEqual(issue);
  }

  // follow() leaves an unterminated last line alone (it may still be being written): it must
  // give what read() gives for the file without that line.
  const bytes = await readFile(streamFile(where.root, where.prefix, where.stream));
  const complete = await writeCase(bytes.subarray(0, bytes.lastIndexOf(NEWLINE) + 1), where.stream);
  const expectedFollow: StoredRecord[] = [];
  for await (const record of jsonlReader({ root: complete.root }).read(complete.prefix, { stream: complete.stream })) expectedFollow.push(record);
  const controller = new AbortController();
  const followed: StoredRecord[] = [];
  const guard = setTimeout(() => controller.abort(new Error("follow() did not deliver the existing records")), 10_000);
  if (expectedFollow.length === 0) setImmediate(() => controller.abort());
  try {
    for await (const record of reader.follow(where.prefix, { stream: where.stream, signal: controller.signal, pollIntervalMs: 5 })) {
      followed.push(record);
      if (followed.length >= expectedFollow.length) controller.abort();
    }
  } finally {
    clearTimeout(guard);
  }
  expect(followed).toEqual(expectedFollow);
  return { read, issues };
}

/** A valid `logs` line's record, as JSON gives it back (fc.jsonValue can hold -0, which JSON writes as 0). */
const validRecord = fc
  .record({
  timestamp: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()),
  level: fc.constantFrom("debug", "info", "warn", "error", "fatal"),
  message: hostileString,
  metadata: fc.oneof(fc.constant(null), fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })),
  sequenceNumber: fc.nat(),
  })
  .map((record) => JSON.parse(JSON.stringify(record)) as Record<string, unknown>);

/** How one garbage line may look: raw bytes, JSON of the wrong shape, or a record one edit away from valid. */
const garbageLine: fc.Arbitrary<Buffer> = fc
  .oneof(
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== NEWLINE))),
    fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value) ?? "")),
    fc
      .tuple(validRecord, fc.constantFrom("level", "sequenceNumber", "timestamp", "extra", "metadata", "cut"), fc.nat())
      .map(([record, edit, at]) => {
        const broken: Record<string, unknown> = { ...record };
        if (edit === "level") broken["level"] = "verbose";
        if (edit === "sequenceNumber") broken["sequenceNumber"] = -1 - (at % 5);
        if (edit === "timestamp") broken["timestamp"] = "yesterday";
        if (edit === "extra") broken["extra"] = true;
        if (edit === "metadata") broken["metadata"] = [1];
        const text = JSON.stringify(broken);
        return Buffer.from(edit === "cut" ? text.slice(0, at % text.length) : text);
      }),
    fc.constantFrom("", "   ", "\t", "\r", "\u0000", "{", "}", "null", "[]", "\"x\"", "\ufeff").map((text) => Buffer.from(text)),
  )
  .filter((line) => !isValidRecordLine(line));

function isValidRecordLine(line: Buffer): boolean {
  let text = line.toString("utf8");
  if (text.endsWith("\r")) text = text.slice(0, -1);
  try {
    return logRecordSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

interface Line {
  readonly bytes: Buffer;
  readonly record?: unknown;
}

const line: fc.Arbitrary<Line> = fc.oneof(
  validRecord.map((record) => ({ bytes: Buffer.from(JSON.stringify(record)), record })),
  garbageLine.map((bytes) => ({ bytes })),
);

describe("the reader on hostile files (fast-check)", () => {
  it(
    `never throws on random bytes, whatever the chunk size, and read/tail/follow agree (${RUNS} files)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 300 }).map((b) => b.map((x) => (x % 3 === 0 ? NEWLINE : x)))),
          fc.constantFrom("logs", "other"),
          fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(65_536)),
          async (bytes, stream, chunkSize) => {
            const { read, issues } = await readEveryWay(await writeCase(bytes, stream), chunkSize);
            for (const issue of issues) {
              expect(["torn", "malformed", "invalid"]).toContain(issue.kind);
              expect(issue.line).toBeGreaterThanOrEqual(1);
            }
            for (const record of read) expect(typeof record.sequenceNumber).toBe("number");
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `returns every valid line among garbage, in order, and reports each garbage line by number (${RUNS} files)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(line, { maxLength: 30 }),
          fc.boolean(),
          fc.boolean(),
          fc.boolean(),
          fc.integer({ min: 1, max: 128 }),
          async (lines, finalNewline, crlf, bom, chunkSize) => {
            const ending = Buffer.from(crlf ? "\r\n" : "\n");
            const parts: Buffer[] = [];
            lines.forEach((l, i) => {
              parts.push(i === 0 && bom ? Buffer.concat([Buffer.from("\ufeff"), l.bytes]) : l.bytes);
              if (i < lines.length - 1 || finalNewline) parts.push(ending);
            });
            const { read, issues } = await readEveryWay(await writeCase(Buffer.concat(parts)), chunkSize);
            expect(read).toEqual(lines.filter((l) => l.record !== undefined).map((l) => l.record));
            // Every garbage line is reported with its number, unless it holds only whitespace.
            const garbage = lines
              .map((l, i) => ({ l, number: i + 1, text: (i === 0 && bom ? "\ufeff" : "") + l.bytes.toString("utf8") }))
              .filter(({ l, text }) => l.record === undefined && text.replace(/^\ufeff/, "").replace(/\r$/, "").trim() !== "");
            expect(issues.map((i) => i.line)).toEqual(garbage.map((g) => g.number));
            for (const issue of issues) {
              const last = issue.line === lines.length && !finalNewline;
              expect(issue.kind === "torn" ? last : ["malformed", "invalid"].includes(issue.kind), `line ${issue.line}: ${issue.kind}`).toBe(true);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `never throws on a valid file cut at any byte, and returns the records before the cut (${RUNS} files)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(validRecord, { minLength: 1, maxLength: 20 }), fc.nat(), fc.integer({ min: 1, max: 256 }), async (records, cutAt, chunkSize) => {
          const full = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(""));
          const cut = cutAt % (full.length + 1);
          const { read, issues } = await readEveryWay(await writeCase(full.subarray(0, cut)), chunkSize);
          const complete = records.filter((_, i) => {
            const end = Buffer.byteLength(records.slice(0, i + 1).map((r) => `${JSON.stringify(r)}\n`).join("")) - 1;
            return end <= cut;
          });
          expect(read).toEqual(complete);
          expect(issues.every((i) => i.kind === "torn")).toBe(true);
          expect(issues.length).toBeLessThanOrEqual(1);
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
