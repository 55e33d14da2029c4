import type { FSWatcher } from "node:fs";
import { appendFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonlReader } from "../src/jsonl-reader.js";
import { streamFile } from "../src/paths.js";
import { logLine, tempDir, waitFor } from "./fixtures/helpers.js";

// Watchers the reader opens through node:fs, so the test can see whether each was closed
// (process.getActiveResourcesInfo() does not list unref'd watchers), and opens that found no
// file, so a test can know the follower has looked before the file exists.
const opened = vi.hoisted(() => new Set<{ closed: boolean }>());
const missingOpens = vi.hoisted(() => ({ count: 0 }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const fsp = await importOriginal<typeof import("node:fs/promises")>();
  const open = async (...args: Parameters<typeof fsp.open>): ReturnType<typeof fsp.open> => {
    try {
      return await fsp.open(...args);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") missingOpens.count += 1;
      throw error;
    }
  };
  return { ...fsp, open, default: { ...fsp, open } };
});
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const watch = (...args: Parameters<typeof fs.watch>): FSWatcher => {
    const watcher = fs.watch(...args);
    const entry = { closed: false };
    opened.add(entry);
    const close = watcher.close.bind(watcher);
    watcher.close = () => {
      entry.closed = true;
      close();
    };
    return watcher;
  };
  return { ...fs, watch, default: { ...fs, watch } };
});

const PREFIX = "alice/project/my-experiment";
let root: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, remove } = await tempDir());
  const path = streamFile(root, PREFIX, "logs");
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, logLine(0) + logLine(1));
  opened.clear();
  missingOpens.count = 0;
});
afterEach(() => remove());

const openWatchers = (): number => [...opened].filter((w) => !w.closed).length;

// The follower's poll timers, told apart from everyone else's by their 10-minute delay.
const LONG_POLL = 600_000;
const pollTimers = new Set<unknown>();
beforeEach(() => {
  pollTimers.clear();
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
    const timer = realSet(fn, ms);
    if (ms === LONG_POLL) pollTimers.add(timer);
    return timer;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, "clearTimeout").mockImplementation((timer) => {
    pollTimers.delete(timer);
    realClear(timer);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});
const armedTimers = (): number => pollTimers.size;

describe("JsonlReader.follow, instrumented", { timeout: 30_000 }, () => {
  it("starts before the file and its experiment folder exist and picks the file up when it appears", async () => {
    await rm(root, { recursive: true, force: true });
    const path = streamFile(root, PREFIX, "logs");
    const controller = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const record of jsonlReader({ root }).follow(PREFIX, { pollIntervalMs: 10, signal: controller.signal })) {
        seen.push(record.sequenceNumber);
      }
    })();
    await waitFor(() => missingOpens.count >= 2, "the follower to look and find no file");
    expect(seen).toEqual([]);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, logLine(0));
    await waitFor(() => seen.length === 1, "the record in the new file");
    await appendFile(path, logLine(1));
    await waitFor(() => seen.length === 2, "the appended record");
    expect(seen).toEqual([0, 1]);
    controller.abort();
    await done;
  });

  it("closes its watcher and clears its poll timer when the signal aborts", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const record of jsonlReader({ root }).follow(PREFIX, { pollIntervalMs: LONG_POLL, signal: controller.signal })) {
        seen.push(record.sequenceNumber);
      }
    })();
    await waitFor(() => seen.length === 2 && openWatchers() === 1 && armedTimers() === 1, "the follower to wait");
    controller.abort();
    await done;
    expect(opened.size).toBe(1);
    expect(openWatchers()).toBe(0);
    expect(armedTimers()).toBe(0);
  });

  it("closes its watcher when the consumer breaks out, also after a wake-up", async () => {
    const path = streamFile(root, PREFIX, "logs");
    const seen: number[] = [];
    // Polling is too slow to matter: the third record can only arrive through the watcher,
    // after the follower has waited (and armed its poll timer) once.
    for await (const record of jsonlReader({ root }).follow(PREFIX, { pollIntervalMs: LONG_POLL })) {
      seen.push(record.sequenceNumber);
      if (record.sequenceNumber === 1) {
        setTimeout(() => void appendFile(path, logLine(2)), 20);
      }
      if (record.sequenceNumber === 2) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(opened.size).toBe(1);
    expect(openWatchers()).toBe(0);
    expect(armedTimers()).toBe(0);
  });
});
