import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { logRecordSchema, storedRecordSchema } from "@dashlog/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logLine, logRecord, tempDir } from "../test/fixtures/helpers.js";
import { lastValidRecord } from "./lines-from-end.js";

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

async function fileWith(content: string, name = "f.jsonl"): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe("lastValidRecord", () => {
  it("skips a torn tail, garbage and wrong-shaped lines to the last good record", async () => {
    const content = logLine(0) + logLine(1) + '{"level":"info"}\n' + "garbage\n\n" + logLine(2).slice(0, 30);
    const path = await fileWith(content);
    for (const chunkSize of [1, 7, 64, 65536]) {
      expect(await lastValidRecord(path, logRecordSchema, { chunkSize })).toEqual(logRecord(1));
    }
  });

  it("takes an unterminated last line that parses", async () => {
    const path = await fileWith(logLine(0) + logLine(1).trimEnd());
    expect((await lastValidRecord(path, logRecordSchema))?.sequenceNumber).toBe(1);
  });

  it("uses the schema it is given", async () => {
    const path = await fileWith('{"bytes":1,"sequenceNumber":4}\n{"bytes":2}\n');
    expect(await lastValidRecord(path, storedRecordSchema)).toEqual({ bytes: 1, sequenceNumber: 4 });
    expect(await lastValidRecord(path, logRecordSchema)).toBeUndefined();
  });

  it("is undefined for a missing, empty or all-garbage file", async () => {
    expect(await lastValidRecord(join(dir, "missing", "x.jsonl"), logRecordSchema)).toBeUndefined();
    expect(await lastValidRecord(await fileWith("", "empty.jsonl"), logRecordSchema)).toBeUndefined();
    expect(await lastValidRecord(await fileWith("x\n\0\0\0", "junk.jsonl"), logRecordSchema)).toBeUndefined();
  });
});
