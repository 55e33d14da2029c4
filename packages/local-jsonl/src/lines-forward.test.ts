import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collect, tempDir } from "../test/fixtures/helpers.js";
import { splitLines, TRICKY_CONTENTS } from "../test/fixtures/split-lines.js";
import { countLines } from "./count-lines.js";
import type { Line } from "./line.js";
import { linesForward } from "./lines-forward.js";

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

async function readForward(content: string, chunkSize: number, start = 0): Promise<Line[]> {
  const path = join(dir, "f.jsonl");
  await writeFile(path, content);
  const handle = await open(path, "r");
  try {
    return await collect(linesForward(handle, { start, end: Buffer.byteLength(content), chunkSize }));
  } finally {
    await handle.close();
  }
}

describe("linesForward", () => {
  it.each(TRICKY_CONTENTS.map((content) => [JSON.stringify(content), content]))(
    "gives the same lines as a whole-file split at every chunk size: %s",
    async (_name, content) => {
      const expected = splitLines(content);
      for (let chunkSize = 1; chunkSize <= Buffer.byteLength(content) + 2; chunkSize += 1) {
        expect(await readForward(content, chunkSize), `chunkSize ${chunkSize}`).toEqual(expected);
      }
    },
  );

  it("starts at a line boundary and stops at the end snapshot", async () => {
    const lines = await readForward("one\ntwo\nthree\n", 3, 4);
    expect(lines.map((l) => [l.text, l.offset])).toEqual([
      ["two", 4],
      ["three", 8],
    ]);
  });

  it("marks a last line without newline as unterminated", async () => {
    expect((await readForward("a\nhalf", 2)).at(-1)).toEqual({ text: "half", terminated: false, offset: 2, end: 6 });
  });
});

describe("countLines", () => {
  it("counts the newlines before a byte offset at any chunk size", async () => {
    const path = join(dir, "c.jsonl");
    await writeFile(path, "a\n\nbé\nc\n");
    for (const chunkSize of [1, 2, 3, 100]) {
      expect(await countLines(path, 0, chunkSize)).toBe(0);
      expect(await countLines(path, 2, chunkSize)).toBe(1);
      expect(await countLines(path, 3, chunkSize)).toBe(2);
      expect(await countLines(path, 9, chunkSize)).toBe(4);
    }
  });
});
