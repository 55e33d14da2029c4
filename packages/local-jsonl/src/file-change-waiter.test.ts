import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../test/fixtures/helpers.js";
import { FileChangeWaiter } from "./file-change-waiter.js";

let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => ({ dir, remove } = await tempDir()));
afterEach(() => remove());

const LONG = 600_000;

describe("FileChangeWaiter", { timeout: 30_000 }, () => {
  it("falls back to the poll timer when the file does not exist", async () => {
    const waiter = new FileChangeWaiter(join(dir, "missing.jsonl"), 5);
    waiter.watch();
    expect(waiter.watching).toBe(false);
    await waiter.wait(); // resolves only through the timer here
    waiter.close();
  });

  it("keeps a change that arrived while nobody waited", async () => {
    const path = join(dir, "f.jsonl");
    await writeFile(path, "a\n");
    const waiter = new FileChangeWaiter(path, LONG);
    waiter.watch();
    expect(waiter.watching).toBe(true);
    await appendFile(path, "b\n");
    // With a 10-minute poll, only the watcher's notification (kept or live) can end this wait.
    await waiter.wait();
    waiter.close();
  });

  it("ends a wait on abort and on close", async () => {
    const waiter = new FileChangeWaiter(join(dir, "missing.jsonl"), LONG);
    const controller = new AbortController();
    const aborted = waiter.wait(controller.signal);
    controller.abort();
    await aborted;
    const closed = waiter.wait();
    waiter.close();
    await closed;
    await waiter.wait(); // after close every wait ends at once
  });
});
