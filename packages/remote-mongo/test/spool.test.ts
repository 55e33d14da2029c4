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
  for await (const block of spool.read(path, false)) out.push(...block);
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

  it("reads files of several blocks whole, multi-byte text split across blocks included", async () => {
    const spool = new Spool(dir.path);
    const records = Array.from({ length: 30_000 }, (_, i) => ({ sequenceNumber: i, message: `é✓😀 ${"x".repeat(i % 7)}` }));
    await spool.append([{ experiment: "alice/p", stream: "logs", records }]);
    const path = join(dir.path, "pending/alice/p/logs/logs.jsonl");
    expect((await readFile(path)).length).toBeGreaterThan(1024 * 1024);
    await appendFile(path, '{"sequenceNumber":30000,"mess');
    let blocks = 0;
    const read: SpoolLine[] = [];
    for await (const block of spool.read(path, false)) {
      blocks++;
      read.push(...block);
    }
    expect(blocks).toBeGreaterThan(1);
    expect(read.map((l) => l.line)).toEqual(Array.from({ length: 30_001 }, (_, i) => i + 1));
    expect(read.slice(0, -1).map((l) => (l.kind === "record" ? l.record : l))).toEqual(records);
    expect(read.at(-1)).toMatchObject({ kind: "bad", line: 30_001, text: '{"sequenceNumber":30000,"mess' });
  });

  it("reads a line longer than many blocks", async () => {
    const spool = new Spool(dir.path);
    const long = { sequenceNumber: 1, message: "ü".repeat(700_000) };
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 0 }, long, { sequenceNumber: 2 }] }]);
    const read = await lines(spool, join(dir.path, "pending/alice/p/logs/logs.jsonl"));
    expect(read.map((l) => (l.kind === "record" ? l.record : l))).toEqual([{ sequenceNumber: 0 }, long, { sequenceNumber: 2 }]);
  });

  it("finds the highest sequence number even when a replay claims the file being scanned", async () => {
    const spool = new Spool(dir.path);
    await spool.append([{ experiment: "alice/p", stream: "logs", records: [{ sequenceNumber: 7 }, { sequenceNumber: 8 }] }]);
    const [file] = await spool.pendingFiles("alice/p");
    // What the sink's pump may do while openRun scans: claim (rename) the file after it was
    // listed and before it is read. The claim must wait for the scan, not pull the file away.
    const read = spool.read.bind(spool);
    let claim: Promise<string | undefined> | undefined;
    spool.read = async function* (path, runs) {
      if (claim === undefined && file !== undefined) {
        claim = spool.claim(file);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      yield* read(path, runs);
    };
    expect(await spool.maxSequenceNumber("alice/p")).toBe(8);
    expect(await claim).toMatch(/logs\.jsonl\.replaying$/);
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
