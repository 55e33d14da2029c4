import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { ExperimentStore } from "../experiment-store.js";
import { localStore } from "../local-store.js";
import { ListingCounts } from "./listing-counts.js";

const PREFIX = "list/count/run";
let root: string;
const line = (i: number) => `${JSON.stringify({ timestamp: "2025-01-01T00:00:00.000Z", level: "info", message: `record ${i}`, metadata: null, sequenceNumber: i })}\n`;
const logsFile = () => join(root, ...PREFIX.split("/"), "logs", "logs.jsonl");

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dashlog-listing-"));
  await mkdir(join(root, ...PREFIX.split("/"), "logs"), { recursive: true });
  await writeFile(logsFile(), Array.from({ length: 1000 }, (_, i) => line(i)).join(""));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** The local store, noting where each count of the logs started. */
function spied(): { store: ExperimentStore; froms: number[] } {
  const store = localStore(root);
  const positioned = store.positioned!;
  const froms: number[] = [];
  return {
    froms,
    store: {
      ...store,
      positioned: {
        readFrom: positioned.readFrom,
        recordStarts(prefix, stream, from, firstNumber, every, signal) {
          froms.push(from);
          return positioned.recordStarts!(prefix, stream, from, firstNumber, every, signal);
        },
      },
    },
  };
}

it("counts a local run once, then only what was appended since", async () => {
  const { store, froms } = spied();
  const counts = new ListingCounts(store);
  expect(await counts.records(PREFIX)).toBe(1000);
  await appendFile(logsFile(), line(1000) + line(1001));
  expect(await counts.records(PREFIX)).toBe(1002);
  const size = Buffer.byteLength(Array.from({ length: 1000 }, (_, i) => line(i)).join(""));
  expect(froms).toEqual([0, size]);
  // A line still being written is counted once it is whole.
  await appendFile(logsFile(), line(1002).slice(0, 20));
  expect(await counts.records(PREFIX)).toBe(1002);
  await appendFile(logsFile(), line(1002).slice(20));
  expect(await counts.records(PREFIX)).toBe(1003);
});

it("shares one count between concurrent listings (two counting from one place would count twice)", async () => {
  const { store, froms } = spied();
  const counts = new ListingCounts(store);
  expect(await Promise.all([counts.records(PREFIX), counts.records(PREFIX), counts.records(PREFIX)])).toEqual([1000, 1000, 1000]);
  expect(froms).toEqual([0]);
});

it("counts 0 for an experiment without logs, and recounts a store that cannot count on", async () => {
  let asked = 0;
  const store = localStore(root);
  const recounting: ExperimentStore = {
    ...store,
    positioned: undefined,
    countRecords: async (prefix, stream) => {
      asked++;
      return store.countRecords(prefix, stream);
    },
  };
  const counts = new ListingCounts(recounting);
  expect(await counts.records(PREFIX)).toBe(1000);
  expect(await counts.records(PREFIX)).toBe(1000);
  expect(asked).toBe(1);
  expect(await new ListingCounts(localStore(root)).records("no/such/run")).toBe(0);
});
