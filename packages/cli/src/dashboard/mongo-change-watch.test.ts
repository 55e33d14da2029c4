import { MongoTestServer } from "@dashlog/mongo-test-server";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import { watchMongoInserts, type ChangeStreamLike, type WatchableCollection } from "./mongo-change-watch.js";

/** The in-repo wire-protocol server posing as a replica set's primary (change streams work) and as a standalone (refused, 40573). */
let replicaSet: MongoTestServer;
let standalone: MongoTestServer;
let client: MongoClient;
let standaloneClient: MongoClient;

beforeAll(async () => {
  replicaSet = await MongoTestServer.start({ replicaSet: "rs0" });
  standalone = await MongoTestServer.start();
  client = new MongoClient(replicaSet.uri, { serverSelectionTimeoutMS: 2000 });
  standaloneClient = new MongoClient(standalone.uri, { serverSelectionTimeoutMS: 2000 });
});
afterAll(async () => {
  await client?.close();
  await standaloneClient?.close();
  await replicaSet?.stop();
  await standalone?.stop();
});

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!predicate()) throw new Error(`never happened: ${what}`);
}

it("calls back for each insert of the experiment into the logs or streams collection, through change streams", async () => {
  const db = client.db("watch-test");
  let changes = 0;
  const watch = await watchMongoInserts([db.collection("logs"), db.collection("streams")], "a/b", () => changes++, () => undefined);
  expect(watch).toBeDefined();
  await db.collection("logs").insertOne({ experiment: "a/b", sequenceNumber: 0, message: "one" });
  await until(() => changes === 1, "the logs insert");
  await db.collection("logs").insertOne({ experiment: "other/run", sequenceNumber: 0, message: "not ours" });
  await db.collection("streams").insertOne({ experiment: "a/b", stream: "memory", sequenceNumber: 1, rss: 1 });
  await until(() => changes >= 2, "the streams insert");
  await new Promise((r) => setTimeout(r, 100));
  expect(changes).toBe(2);
  watch!.close();
});

it("resolves to undefined when the server is a standalone, which refuses change streams: the feed polls", async () => {
  const db = standaloneClient.db("watch-test");
  expect(await watchMongoInserts([db.collection("logs"), db.collection("streams")], "a/b", () => undefined, () => undefined)).toBeUndefined();
});

/** A driver's change stream against a standalone server: the first getMore is refused. */
function refusing(closed: string[]): WatchableCollection {
  return {
    watch: (): ChangeStreamLike => ({
      tryNext: () => Promise.reject(Object.assign(new Error("The $changeStream stage is only supported on replica sets"), { code: 40573 })),
      close: async () => void closed.push("closed"),
    }),
  };
}

it("resolves to undefined, closing what it opened, when the server refuses change streams", async () => {
  const closed: string[] = [];
  expect(await watchMongoInserts([refusing(closed)], "a/b", () => undefined, () => undefined)).toBeUndefined();
  expect(closed).toEqual(["closed"]);
});

it("says once that notifications are lost when an open change stream breaks", async () => {
  let calls = 0;
  const breaking: WatchableCollection = {
    watch: () => ({
      tryNext: () => (++calls === 1 ? Promise.resolve(null) : Promise.reject(new Error("connection reset"))),
      close: async () => undefined,
    }),
  };
  let lost = 0;
  const watch = await watchMongoInserts([breaking], "a/b", () => undefined, () => lost++);
  expect(watch).toBeDefined();
  await until(() => lost === 1, "the loss reported");
  watch!.close();
});

it("is what `dashlog serve --mongo` listens to: change streams on a replica set, none on a standalone", async () => {
  const { mongoStore } = await import("../mongo-store.js");
  const store = await mongoStore(replicaSet.uri);
  const alone = await mongoStore(standalone.uri);
  try {
    let changes = 0;
    const watch = await store.watchChanges!("team/run", () => changes++, () => undefined);
    expect(watch).toBeDefined();
    await client.db("dashlog").collection("logs").insertOne({ experiment: "team/run", sequenceNumber: 0, message: "hello" });
    await until(() => changes === 1, "the insert seen by the store's watch");
    watch!.close();
    expect(await alone.watchChanges!("team/run", () => undefined, () => undefined)).toBeUndefined();
  } finally {
    await store.close();
    await alone.close();
  }
});
