import { InvalidArgumentError, InvalidPrefixError } from "@dashlog/core";
import { MongoTestServer } from "@dashlog/mongo-test-server";
import { MongoClient, type Collection } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChangeStreams } from "../src/change-stream-watch.js";
import { mongoWatcher, type MongoWatcher, type RecordChange, type WatchedKind } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, until } from "./helpers/mongo-target.js";

// The in-repo wire-protocol server posing as a replica set's primary (change streams work) and
// as a standalone (it refuses $changeStream with 40573, as a real standalone does).
let replicaSet: MongoTestServer;
let standalone: MongoTestServer;
let replicaClient: MongoClient;
let standaloneClient: MongoClient;
const DATABASE = "watch_test";
const PREFIX = "alice/watch/run-1";

beforeAll(async () => {
  replicaSet = await MongoTestServer.start({ replicaSet: "rs0" });
  standalone = await MongoTestServer.start();
  replicaClient = new MongoClient(replicaSet.uri, TEST_CLIENT_OPTIONS);
  standaloneClient = new MongoClient(standalone.uri, TEST_CLIENT_OPTIONS);
});
afterAll(async () => {
  await replicaClient?.close();
  await standaloneClient?.close();
  await replicaSet?.stop();
  await standalone?.stop();
});

/** Writes one document of each kind, as the sink stores them, for `experiment`. */
async function writeOneOfEach(client: MongoClient, experiment: string, n: number): Promise<void> {
  const db = client.db(DATABASE);
  await db.collection("logs").insertOne({ experiment, sequenceNumber: n, timestamp: new Date().toISOString(), level: "info", message: `m ${n}` });
  await db.collection("streams").insertOne({ experiment, stream: "memory", sequenceNumber: n, rss: n });
  await db.collection("metrics").insertOne({ experiment, metric: "train", index: n, createdAt: new Date().toISOString(), data: { loss: 1 / (n + 1) } });
  await db.collection("params").insertOne({ experiment, index: n, updatedAt: new Date().toISOString(), data: { lr: n } });
  await db.collection("runs").insertOne({ experiment, runId: `r-${n}`, status: "RUNNING", startedAt: new Date().toISOString(), firstSequenceNumber: n });
}

const kinds = (changes: readonly RecordChange[]) => [...new Set(changes.map((c) => c.kind))].sort();
const ALL: WatchedKind[] = ["logs", "metrics", "params", "runs", "streams"];

describe("mongoWatcher", () => {
  it("follows an experiment through change streams on a replica set: every kind, no other experiment", async () => {
    const watcher = mongoWatcher({ uri: replicaSet.uri, database: DATABASE, clientOptions: TEST_CLIENT_OPTIONS });
    const changes: RecordChange[] = [];
    const watch = await watcher.watchRecords(PREFIX, (c) => changes.push(c));
    try {
      expect(watch.mode).toBe("change-stream");
      await writeOneOfEach(replicaClient, "someone/else/run", 0);
      await writeOneOfEach(replicaClient, PREFIX, 0);
      await until(() => kinds(changes).length === 5, "a change of every kind");
      expect(kinds(changes)).toEqual(ALL);
      expect(changes.every((c) => c.via === "change-stream")).toBe(true);
      // Only this experiment's five documents, each once.
      await new Promise((r) => setTimeout(r, 200));
      expect(changes).toHaveLength(5);
      watch.close();
      await writeOneOfEach(replicaClient, PREFIX, 1);
      await new Promise((r) => setTimeout(r, 200));
      expect(changes).toHaveLength(5);
    } finally {
      await watcher.close();
    }
  });

  it("polls a standalone server, which refuses change streams, and tells what changed", async () => {
    const watcher = mongoWatcher({ uri: standalone.uri, database: DATABASE, clientOptions: TEST_CLIENT_OPTIONS, pollIntervalMs: 20 });
    const changes: RecordChange[] = [];
    const watch = await watcher.watchRecords(PREFIX, (c) => changes.push(c));
    try {
      expect(watch.mode).toBe("polling");
      await writeOneOfEach(standaloneClient, "someone/else/run", 0);
      await new Promise((r) => setTimeout(r, 100));
      expect(changes).toEqual([]);
      await writeOneOfEach(standaloneClient, PREFIX, 0);
      await until(() => kinds(changes).length === 5, "a change of every kind");
      expect(kinds(changes)).toEqual(ALL);
      expect(changes.every((c) => c.via === "polling")).toBe(true);
      // A run that ends is an update, not an insert: the poll sees its status move.
      changes.length = 0;
      await standaloneClient.db(DATABASE).collection("runs").updateOne({ experiment: PREFIX, runId: "r-0" }, { $set: { status: "COMPLETED", endedAt: new Date().toISOString() } });
      await until(() => changes.length > 0, "the run's end");
      expect(kinds(changes)).toEqual(["runs"]);
    } finally {
      watch.close();
      await watcher.close();
    }
  });

  it("keeps watching when the callback throws", async () => {
    const watcher = mongoWatcher({ uri: standalone.uri, database: DATABASE, clientOptions: TEST_CLIENT_OPTIONS, pollIntervalMs: 20, changeStreams: false });
    let calls = 0;
    const watch = await watcher.watchRecords("alice/watch/throwing", () => {
      calls++;
      throw new Error("the caller's bug");
    });
    try {
      const logs = standaloneClient.db(DATABASE).collection("logs");
      await logs.insertOne({ experiment: "alice/watch/throwing", sequenceNumber: 0 });
      await until(() => calls === 1, "the first change");
      await logs.insertOne({ experiment: "alice/watch/throwing", sequenceNumber: 1 });
      await until(() => calls === 2, "the change after the throw");
    } finally {
      watch.close();
      await watcher.close();
    }
  });

  it("reports a failed poll through onError and goes on polling", async () => {
    const server = await MongoTestServer.start();
    const watcher = mongoWatcher({ uri: server.uri, database: DATABASE, clientOptions: { ...TEST_CLIENT_OPTIONS, serverSelectionTimeoutMS: 200 }, pollIntervalMs: 20, changeStreams: false });
    const errors: string[] = [];
    const watch = await watcher.watchRecords(PREFIX, () => undefined, { onError: (e) => errors.push(e.operation) });
    try {
      await server.stop();
      await until(() => errors.length >= 2, "two failed polls", 10_000);
      expect(new Set(errors)).toEqual(new Set(["watch"]));
    } finally {
      watch.close();
      await watcher.close();
    }
  });

  it("refuses a bad prefix, callback or option with a typed error naming it", async () => {
    expect(() => mongoWatcher({ uri: standalone.uri, pollIntervalMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => mongoWatcher({ uri: standalone.uri, pollIntervalMs: 0 })).toThrow(/pollIntervalMs/);
    expect(() => mongoWatcher({ uri: standalone.uri, changeStreams: "yes" as unknown as boolean })).toThrow(/changeStreams/);
    expect(() => mongoWatcher({ uri: "http://nope" })).toThrow(/uri/);
    const watcher = mongoWatcher({ uri: standalone.uri, clientOptions: TEST_CLIENT_OPTIONS, changeStreams: false });
    try {
      await expect(watcher.watchRecords("../escape", () => undefined)).rejects.toThrow(InvalidPrefixError);
      await expect(watcher.watchRecords(PREFIX, "no" as unknown as () => void)).rejects.toThrow(/onChange/);
    } finally {
      await watcher.close();
    }
  });
});

describe("openChangeStreams", () => {
  /** A driver change stream that yields one change, then breaks (as when the stream is gone for good). */
  function breaking(closed: string[], name: string): Collection {
    let calls = 0;
    return {
      watch: () => ({
        tryNext: () => (calls++ === 0 ? Promise.resolve({ operationType: "insert" }) : Promise.reject(new Error("stream gone"))),
        close: async () => void closed.push(name),
      }),
    } as unknown as Collection;
  }
  /** A change stream that never yields until closed. */
  function idle(closed: string[], name: string): Collection {
    return {
      watch: () => ({
        tryNext: () => new Promise((r) => setTimeout(() => r(null), 5)),
        close: async () => void closed.push(name),
      }),
    } as unknown as Collection;
  }

  it("calls onBroken once when a stream breaks after its start, and closes the others with it", async () => {
    const closed: string[] = [];
    const changes: WatchedKind[] = [];
    let broken = 0;
    const handle = await openChangeStreams(
      new Map<WatchedKind, Collection>([
        ["logs", breaking(closed, "logs")],
        ["runs", idle(closed, "runs")],
      ]),
      PREFIX,
      (kind) => changes.push(kind),
      () => broken++,
    );
    expect(handle).toBeDefined();
    await until(() => broken === 1, "the break");
    expect(changes).toEqual(["logs"]);
    await until(() => closed.length === 2, "both streams closed");
    expect(closed.sort()).toEqual(["logs", "runs"]);
    handle!.close();
  });

  it("resolves to undefined, closing what it opened, when the first round trip is refused", async () => {
    const closed: string[] = [];
    const refusing = {
      watch: () => ({ tryNext: () => Promise.reject(Object.assign(new Error("only on replica sets"), { code: 40573 })), close: async () => void closed.push("logs") }),
    } as unknown as Collection;
    expect(await openChangeStreams(new Map<WatchedKind, Collection>([["logs", refusing], ["runs", idle(closed, "runs")]]), PREFIX, () => undefined, () => undefined)).toBeUndefined();
    await until(() => closed.length === 2, "both streams closed");
  });
});
