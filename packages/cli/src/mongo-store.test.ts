import { MongoTestServer } from "@dashlog/mongo-test-server";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ExperimentStore } from "./experiment-store.js";
import { mongoStore } from "./mongo-store.js";

// The dashboard's live feed learns of MongoDB changes through @dashlog/remote-mongo's watcher:
// change streams on a replica set, its poll on a standalone (which refuses change streams).
let replicaSet: MongoTestServer;
let standalone: MongoTestServer;

beforeAll(async () => {
  replicaSet = await MongoTestServer.start({ replicaSet: "rs0" });
  standalone = await MongoTestServer.start();
});
afterAll(async () => {
  await replicaSet?.stop();
  await standalone?.stop();
});

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!predicate()) throw new Error(`never happened: ${what}`);
}

it.each([
  ["a replica set, through change streams", () => replicaSet],
  ["a standalone, through the watcher's poll", () => standalone],
])("tells the live feed when an experiment changes on %s", async (_what, server) => {
  const uri = `${server().uri.replace(/\/?(\?|$)/, "/cli_watch$1")}`;
  const store: ExperimentStore = await mongoStore(uri);
  const client = new MongoClient(server().uri, { serverSelectionTimeoutMS: 2000 });
  let changes = 0;
  try {
    const watch = await store.watchChanges!("a/b/c", () => changes++, () => undefined);
    expect(watch).toBeDefined();
    await client.db("cli_watch").collection("logs").insertOne({ experiment: "a/b/c", sequenceNumber: 0, timestamp: new Date().toISOString(), level: "info", message: "one" });
    await until(() => changes > 0, "the change told");
    watch!.close();
  } finally {
    await client.close();
    await store.close();
  }
});
