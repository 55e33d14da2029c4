import { MongoClient } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { MongoTestServer } from "../src/index.js";

const opened: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

async function start(replicaSet?: string): Promise<MongoClient> {
  const server = await MongoTestServer.start(replicaSet === undefined ? {} : { replicaSet });
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 });
  await client.connect();
  opened.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

describe("change streams", () => {
  it("delivers inserts that match, in order, to the driver's watch() when posing as a replica set", async () => {
    const client = await start("rs0");
    const c = client.db("cs").collection("events");
    const stream = c.watch([{ $match: { "fullDocument.keep": true } }], { maxAwaitTimeMS: 50 });
    expect(await stream.tryNext()).toBeNull();
    await c.insertMany([{ n: 1, keep: true }, { n: 2, keep: false }, { n: 3, keep: true }]);
    const seen: number[] = [];
    while (seen.length < 2) {
      const change = await stream.tryNext();
      if (change !== null && change.operationType === "insert") seen.push(change.fullDocument["n"] as number);
    }
    expect(seen).toEqual([1, 3]);
    await stream.close();
  });

  it("refuses them as a standalone server does", async () => {
    const client = await start();
    const stream = client.db("cs").collection("events").watch();
    const error = await stream.tryNext().catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(40573);
    await stream.close();
  });
});
