import { appendFile, readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Spool, type SpoolLine } from "../src/spool.js";
import { tempDir } from "./helpers/temp-dir.js";

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

async function lines(spool: Spool, path: string): Promise<SpoolLine[]> {
  const out: SpoolLine[] = [];
  for await (const line of spool.read(path, false)) out.push(line);
  return out;
}

describe("Spool", () => {
  it("writes the local-mode layout and format", async () => {
    const spool = new Spool(dir.path);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 0, message: "a" }] }]);
    spool.appendSync([{ experiment: "alice/p", stream: "cpu", records: [{ sequenceNumber: 1, load: 0.5 }] }]);
    expect(await readFile(join(dir.path, "pending/alice/p/logs/logs.jsonl"), "utf8")).toBe('{"sequenceNumber":0,"message":"a"}\n');
    expect(await readFile(join(dir.path, "pending/alice/p/logs/cpu.jsonl"), "utf8")).toBe('{"sequenceNumber":1,"load":0.5}\n');
    expect((await spool.countPending()).map((f) => f.records)).toEqual([1, 1]);
  });

  it("never glues a new record to a line torn by a crash, and reports the torn line", async () => {
    const path = join(dir.path, "pending/alice/p/logs/logs.jsonl");
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '{"sequenceNumber":0}\n{"sequenceNu');
    const spool = new Spool(dir.path);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 2 }] }]);
    const read = await lines(spool, path);
    expect(read.filter((l) => l.kind === "record").map((l) => (l.kind === "record" ? l.record.sequenceNumber : -1))).toEqual([0, 2]);
    expect(read.filter((l) => l.kind === "bad")).toHaveLength(1);
    expect((await spool.countPending())[0]?.records).toBe(3);
    await appendFile(path, '{"sequenceNu');
    spool.appendSync([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 3 }] }]);
    expect((await lines(spool, path)).filter((l) => l.kind === "record")).toHaveLength(3);
  });

  it("claims a file for replay by renaming it, and releases claims back into one file", async () => {
    const spool = new Spool(dir.path);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 0 }, { sequenceNumber: 1 }] }]);
    const [file] = await spool.pendingFiles();
    const claimed = await spool.claim(file!);
    expect(claimed).toMatch(/logs\.jsonl\.replaying$/);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 2 }] }]);
    expect((await spool.pendingFiles()).map((f) => [f.stream, f.replaying])).toEqual([
      ["logs", true],
      ["logs", false],
    ]);
    await spool.releaseClaims();
    const files = await spool.countPending();
    expect(files.map((f) => [f.path.slice(dir.path.length), f.records])).toEqual([["/pending/alice/p/logs/logs.jsonl", 3]]);
  });

  it("knows the highest sequence number it holds per experiment, rejected records included", async () => {
    const spool = new Spool(dir.path);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 5 }, { sequenceNumber: 3 }] }]);
    await spool.reject("alice/p", "logs", { sequenceNumber: 8 }, "too large");
    await spool.append([{ experiment: "bob/q", stream: "logs", records: [{ sequenceNumber: 50 }] }]);
    expect(await spool.maxSequenceNumber("alice/p")).toBe(8);
    expect(await spool.maxSequenceNumber("nobody/x")).toBe(-1);
  });
});
