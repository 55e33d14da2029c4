import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { localStore } from "../local-store.js";
import { LiveFeed } from "./live-feed.js";
import { RunCache } from "./run-cache.js";
import type { WatchChanges } from "./store-watch.js";

const PREFIX = "live/feed/run";
const HOUR = 3_600_000;
let root: string;
let feed: LiveFeed | undefined;

const line = (i: number, message = `record ${i}`) => `${JSON.stringify({ timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), level: "info", message, metadata: null, sequenceNumber: i })}\n`;
const logsFile = () => join(root, ...PREFIX.split("/"), "logs", "logs.jsonl");

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "dashlog-live-"));
  await mkdir(join(root, ...PREFIX.split("/"), "logs"), { recursive: true });
  await writeFile(logsFile(), line(0) + line(1));
});
afterEach(async () => {
  feed?.close();
  feed = undefined;
  await rm(root, { recursive: true, force: true });
});

/** What a browser's EventSource would receive, as text. */
function fakeResponse() {
  const written: string[] = [];
  const response = { writeHead: () => response, write: (chunk: string) => written.push(chunk), end: () => undefined, on: () => response };
  return { response: response as unknown as ServerResponse, written };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!predicate()) throw new Error(`never happened: ${what}`);
}

const carries = (written: string[], message: string) => written.some((w) => w.startsWith("event: change") && w.includes(message));

it("reads a watched run as soon as its store notifies a change, not on the poll timer", async () => {
  let notify: (() => void) | undefined;
  const watchChanges: WatchChanges = async (_prefix, onChange) => {
    notify = onChange;
    return { close: () => undefined };
  };
  const store = localStore(root);
  feed = new LiveFeed(new RunCache(store), { watchChanges, pollMs: HOUR, notifiedPollMs: HOUR });
  const { response, written } = fakeResponse();
  await feed.open(PREFIX, response);
  await until(() => feed!.notified(PREFIX), "the feed listening to the store");
  await appendFile(logsFile(), line(2, "pushed record"));
  notify!();
  await until(() => carries(written, "pushed record"), "the new record sent on the notification");
});

it("polls when the store cannot notify, as with a MongoDB server that refuses change streams", async () => {
  let asked = 0;
  const watchChanges: WatchChanges = async () => {
    asked++;
    return undefined;
  };
  feed = new LiveFeed(new RunCache(localStore(root)), { watchChanges, pollMs: 30, notifiedPollMs: HOUR });
  const { response, written } = fakeResponse();
  await feed.open(PREFIX, response);
  await appendFile(logsFile(), line(2, "polled record"));
  await until(() => carries(written, "polled record"), "the new record found by polling");
  expect(asked).toBe(1);
  expect(feed.notified(PREFIX)).toBe(false);
});

it("goes back to polling when the notifications stop for good", async () => {
  let lose: (() => void) | undefined;
  const watchChanges: WatchChanges = async (_prefix, _onChange, onLost) => {
    lose = onLost;
    return { close: () => undefined };
  };
  feed = new LiveFeed(new RunCache(localStore(root)), { watchChanges, pollMs: 30, notifiedPollMs: HOUR });
  const { response, written } = fakeResponse();
  await feed.open(PREFIX, response);
  await until(() => feed!.notified(PREFIX), "the feed listening to the store");
  lose!();
  expect(feed.notified(PREFIX)).toBe(false);
  await appendFile(logsFile(), line(2, "after the stream broke"));
  await until(() => carries(written, "after the stream broke"), "the new record found by polling again");
});

it("follows a local run through file-system notifications", async () => {
  const store = localStore(root);
  feed = new LiveFeed(new RunCache(store), { watchChanges: store.watchChanges, pollMs: HOUR, notifiedPollMs: HOUR });
  const { response, written } = fakeResponse();
  await feed.open(PREFIX, response);
  await until(() => feed!.notified(PREFIX), "the feed watching the folder");
  for (let i = 2; i < 5; i++) {
    await appendFile(logsFile(), line(i, `appended ${i}`));
    await until(() => carries(written, `appended ${i}`), `record ${i} sent after its append`);
  }
});

it("reads a change once for every page open on the run, and sends each page the same event", async () => {
  let notify: (() => void) | undefined;
  const watchChanges: WatchChanges = async (_prefix, onChange) => {
    notify = onChange;
    return { close: () => undefined };
  };
  const store = localStore(root);
  const positioned = store.positioned!;
  let logReads = 0;
  let logCounts = 0;
  const counted = {
    ...store,
    positioned: {
      readFrom(prefix: string, stream: string, from: number, options?: Parameters<typeof positioned.readFrom>[3]) {
        if (stream === "logs") logReads++;
        return positioned.readFrom(prefix, stream, from, options);
      },
      recordStarts(...args: Parameters<NonNullable<typeof positioned.recordStarts>>) {
        if (args[1] === "logs") logCounts++;
        return positioned.recordStarts!(...args);
      },
    },
  };
  feed = new LiveFeed(new RunCache(counted), { watchChanges, pollMs: HOUR, notifiedPollMs: HOUR });
  const pages = Array.from({ length: 20 }, () => fakeResponse());
  for (const page of pages) await feed.open(PREFIX, page.response);
  await until(() => feed!.notified(PREFIX), "the feed listening to the store");
  const [readsBefore, countsBefore] = [logReads, logCounts];
  await appendFile(logsFile(), line(2, "seen by twenty"));
  notify!();
  await until(() => pages.every((p) => carries(p.written, "seen by twenty")), "every page sent the new record");
  expect(logReads - readsBefore).toBe(1);
  expect(logCounts - countsBefore).toBeLessThanOrEqual(1);
  const events = pages.map((p) => p.written.find((w) => w.startsWith("event: change") && w.includes("seen by twenty")));
  expect(new Set(events).size).toBe(1);
});

it("tells the pages when only named metric points arrived: their charts change with no log record", async () => {
  const store = localStore(root);
  feed = new LiveFeed(new RunCache(store), { pollMs: 20 });
  const { response, written } = fakeResponse();
  await feed.open(PREFIX, response);
  const train = join(root, ...PREFIX.split("/"), "metrics", "train");
  await mkdir(train, { recursive: true });
  const point = (index: number, worker: string) => `${JSON.stringify({ index, data: { step: index, loss: 1 / (index + 1) }, createdAt: new Date(Date.UTC(2025, 0, 1, 0, 1, index)).toISOString(), worker })}\n`;
  await appendFile(join(train, "data.jsonl"), point(0, "0") + point(1, "0"));
  await until(() => written.some((w) => w.startsWith("event: change")), "a change for the metric points");
  const change = JSON.parse((written.find((w) => w.startsWith("event: change")) as string).split("data: ")[1] as string) as { chartsVersion: string; newest: unknown };
  // No log record came: no rows ride along, only a charts version the page has not drawn.
  expect(change.newest).toBeNull();
  const charts = (await new RunCache(store).get(PREFIX)).charts();
  expect(charts.find((c) => c.id === "metrics-step-train.loss")?.series.map((s) => s.name)).toEqual(["train.loss · 0"]);
});
