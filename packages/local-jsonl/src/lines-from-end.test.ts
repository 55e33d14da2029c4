import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collect, tempDir } from "../test/fixtures/helpers.js";
import { splitLines, TRICKY_CONTENTS } from "../test/fixtures/split-lines.js";
import { linesFromEnd } from "./lines-from-end.js";

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

async function fileWith(content: string | Buffer, name = "f.jsonl"): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe("linesFromEnd", () => {
  it("yields the last line first, with terminators stripped and byte offsets", async () => {
    const path = await fileWith("ab\r\n\nçd\nlast");
    expect(await collect(linesFromEnd(path))).toEqual([
      { text: "last", terminated: false, offset: 9, end: 13 },
      { text: "çd", terminated: true, offset: 5, end: 9 },
      { text: "", terminated: true, offset: 4, end: 5 },
      { text: "ab", terminated: true, offset: 0, end: 4 },
    ]);
  });

  it.each(TRICKY_CONTENTS.map((content) => [JSON.stringify(content), content]))(
    "gives the same lines as a whole-file split at every chunk size: %s",
    async (_name, content) => {
      const path = await fileWith(content);
      const expected = splitLines(content).reverse();
      const bytes = Buffer.byteLength(content);
      for (let chunkSize = 1; chunkSize <= bytes + 2; chunkSize += 1) {
        expect(await collect(linesFromEnd(path, { chunkSize })), `chunkSize ${chunkSize}`).toEqual(expected);
      }
    },
  );

  it("decodes a character whose bytes straddle a chunk boundary", async () => {
    // "🎉" is 4 bytes; with 3-byte chunks it is always split.
    const content = '{"m":"a🎉b"}\n{"m":"🎉é日"}\n';
    const path = await fileWith(content);
    const texts = (await collect(linesFromEnd(path, { chunkSize: 3 }))).map((l) => l.text);
    expect(texts).toEqual(['{"m":"🎉é日"}', '{"m":"a🎉b"}']);
    expect(texts.join("")).not.toContain("\uFFFD");
  });

  it("reads only up to `end` when given a snapshot size", async () => {
    const path = await fileWith("one\ntwo\nthree\n");
    expect((await collect(linesFromEnd(path, { end: 8, chunkSize: 2 }))).map((l) => l.text)).toEqual(["two", "one"]);
  });

  it("can stop early without reading the rest", async () => {
    const path = await fileWith("one\ntwo\nthree\n");
    const seen: string[] = [];
    for await (const line of linesFromEnd(path, { chunkSize: 4 })) {
      seen.push(line.text);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(["three", "two"]);
  });

  it("rejects with ENOENT for a missing file", async () => {
    await expect(collect(linesFromEnd(join(dir, "nope.jsonl")))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("throws the abort reason once the signal aborts", async () => {
    const path = await fileWith("a\nb\nc\n");
    const controller = new AbortController();
    const reason = new Error("stop");
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const line of linesFromEnd(path, { chunkSize: 1, signal: controller.signal })) {
          seen.push(line.text);
          controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toEqual(["c"]);
  });

  it("rejects a bad chunk size or end with a clear error", async () => {
    const path = await fileWith("a\n");
    await expect(collect(linesFromEnd(path, { chunkSize: 0 }))).rejects.toThrow(/chunkSize must be a positive integer/);
    await expect(collect(linesFromEnd(path, { end: -1 }))).rejects.toThrow(/end must be a non-negative byte offset, got -1/);
  });
});
