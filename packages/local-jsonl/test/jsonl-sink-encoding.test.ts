import { readFile } from "node:fs/promises";
import type { RecordBatch } from "@dashlog/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localJsonl } from "../src/jsonl-sink.js";
import { streamFile } from "../src/paths.js";
import { readLines, tempRoot } from "./helpers.js";

// The sink encodes each batch's lines into one reused buffer. These check that the bytes
// on disk are exactly JSON.stringify's, whatever the characters or the batch size, and that
// a write cut short keeps its own copy of what is left (the next batch reuses the buffer).

// A short write (the OS takes `afterBytes`), then the next write fails: a batch cut part-way.
let shortWrite: { afterBytes: number } | null = null;
let throwNext = false;

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const write = actual.writeSync as (...args: unknown[]) => number;
  return {
    ...actual,
    writeSync: (fd: number, buffer: NodeJS.ArrayBufferView | string, ...rest: unknown[]) => {
      if (throwNext) {
        throwNext = false;
        throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" });
      }
      if (shortWrite !== null && typeof buffer !== "string") {
        const { afterBytes } = shortWrite;
        shortWrite = null;
        throwNext = true;
        return write(fd, buffer, typeof rest[0] === "number" ? rest[0] : 0, afterBytes);
      }
      return write(fd, buffer, ...rest);
    },
  };
});

afterEach(() => {
  shortWrite = null;
  throwNext = false;
});

const prefix = "alice/encoding";

function batch(stream: string, records: RecordBatch["records"]): RecordBatch {
  return { experiment: prefix, stream, records };
}

describe("localJsonl line encoding", () => {
  it("writes exactly JSON.stringify's lines for any characters, in batches larger than the buffer", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const texts = ["plain", "é ü ß", "日本語のテキスト", "emoji 🚀🧪", 'quote " backslash \\ newline \n tab \t', "\u2028\u2029", "lone \ud800 surrogate"];
    // 3,000 records of up to ~2 KB: megabytes in one batch, well past the initial buffer.
    const records = Array.from({ length: 3000 }, (_, i) => ({ sequenceNumber: i, message: (texts[i % texts.length] as string).repeat(1 + (i % 60)) }));
    sink.write([batch("logs", records.slice(0, 10)), batch("logs", records.slice(10))]);
    sink.close();
    const expected = `${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
    expect(await readFile(streamFile(root, prefix, "logs"), "utf8")).toBe(expected);
  });

  it("finishes a batch written part-way with its own bytes, after another stream reused the buffer", async () => {
    const root = await tempRoot();
    const sink = localJsonl({ root });
    const first = batch("logs", [
      { sequenceNumber: 0, message: "first batch, record zero" },
      { sequenceNumber: 1, message: "first batch, record one" },
    ]);
    shortWrite = { afterBytes: 17 };
    expect(() => sink.write([first])).toThrow("EIO");
    // Another stream's batch is encoded into the same buffer meanwhile.
    sink.write([batch("other", [{ sequenceNumber: 2, message: "X".repeat(500) }])]);
    // The retry (at-least-once) writes the rest of the cut batch once and skips what was handed over.
    sink.write([first]);
    sink.close();
    expect(await readLines(streamFile(root, prefix, "logs"))).toEqual([
      '{"sequenceNumber":0,"message":"first batch, record zero"}',
      '{"sequenceNumber":1,"message":"first batch, record one"}',
    ]);
    expect(await readLines(streamFile(root, prefix, "other"))).toEqual([JSON.stringify({ sequenceNumber: 2, message: "X".repeat(500) })]);
  });
});
