import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoTestServer } from "../src/index.js";

describe("MongoTestServer with the official driver", () => {
  let server: MongoTestServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await MongoTestServer.start();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it("answers ping and stores, finds, sorts and pages documents", async () => {
    const db = client.db("smoke");
    expect((await db.command({ ping: 1 }))["ok"]).toBe(1);
    const docs = Array.from({ length: 250 }, (_, i) => ({ n: i, even: i % 2 === 0, at: new Date(1_000 + i) }));
    await db.collection("c").insertMany(docs);
    const found = await db.collection("c").find({ even: true, n: { $gte: 10 } }, { projection: { _id: 0, n: 1 } }).sort({ n: -1 }).toArray();
    expect(found.length).toBe(120);
    expect(found[0]).toEqual({ n: 248 });
    expect(found.at(-1)).toEqual({ n: 10 });
    expect(await db.collection("c").countDocuments({ at: { $lt: new Date(1_100) } })).toBe(100);
  });

  it("enforces unique indexes with per-document write errors in unordered inserts", async () => {
    const c = client.db("smoke").collection("u");
    await c.createIndex({ k: 1 }, { unique: true, name: "k_unique" });
    await c.createIndex({ k: 1 }, { unique: true, name: "k_unique" });
    const error = await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(11000);
    expect(await c.countDocuments({})).toBe(2);
    const names = (await c.listIndexes().toArray()).map((i) => i["name"] as string);
    expect(names).toEqual(["_id_", "k_unique"]);
  });

  it("drops indexes by name, key pattern, list or all, and a dropped unique index stops refusing duplicates", async () => {
    const c = client.db("smoke").collection("drops");
    await c.createIndex({ a: 1, b: 1 }, { unique: true, name: "a_b_unique" });
    await c.createIndex({ a: 1, b: 1, w: 1 }, { unique: true, name: "a_b_w_unique" });
    await c.createIndex({ t: 1 }, { name: "t" });
    await c.createIndex({ u: 1 }, { name: "u" });
    await c.insertOne({ a: 1, b: 1, w: "0" });
    // Refused by a_b_unique, though a_b_w_unique would take it.
    expect(((await c.insertOne({ a: 1, b: 1, w: "1" }).catch((e: unknown) => e)) as { code?: number }).code).toBe(11000);
    expect(await c.dropIndex("a_b_unique")).toMatchObject({ nIndexesWas: 5 });
    await c.insertOne({ a: 1, b: 1, w: "1" });
    // The index left still guards its own key.
    expect(((await c.insertOne({ a: 1, b: 1, w: "1" }).catch((e: unknown) => e)) as { code?: number }).code).toBe(11000);
    expect(await c.countDocuments({})).toBe(2);
    const names = async () => (await c.listIndexes().toArray()).map((i) => i["name"] as string);
    expect(await names()).toEqual(["_id_", "a_b_w_unique", "t", "u"]);
    await c.dropIndex({ t: 1 } as never);
    expect(await names()).toEqual(["_id_", "a_b_w_unique", "u"]);
    // MongoDB's errors: an unknown name, the _id index, a collection that is not there.
    expect(await c.dropIndex("nope").catch((e: unknown) => (e as { code?: number; codeName?: string }).codeName)).toBe("IndexNotFound");
    expect(await c.dropIndex("_id_").catch((e: unknown) => (e as { code?: number }).code)).toBe(72);
    expect(await client.db("smoke").collection("absent").dropIndex("x").catch((e: unknown) => (e as { code?: number }).code)).toBe(26);
    // A list is all or none.
    expect(await client.db("smoke").command({ dropIndexes: "drops", index: ["u", "nope"] }).catch((e: unknown) => (e as { code?: number }).code)).toBe(27);
    expect(await names()).toEqual(["_id_", "a_b_w_unique", "u"]);
    await c.dropIndexes();
    expect(await names()).toEqual(["_id_"]);
  });

  it("upserts and updates with $set", async () => {
    const c = client.db("smoke").collection("runs");
    await c.updateOne({ runId: "a" }, { $set: { status: "RUNNING" } }, { upsert: true });
    await c.updateOne({ runId: "a" }, { $set: { status: "COMPLETED" } }, { upsert: true });
    expect(await c.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ runId: "a", status: "COMPLETED" }]);
  });

  it("injects command errors and dropped connections, and survives a restart on the same port", async () => {
    const c = client.db("smoke").collection("faults");
    const fault = server.inject({ commands: ["insert"], times: 1, action: { kind: "error", code: 10107, codeName: "NotWritablePrimary" } });
    const error = await c.insertOne({ a: 1 }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(10107);
    expect(fault.hits).toBe(1);
    // The driver retries a read once after a network error: one drop is invisible, two are not.
    const once = server.inject({ commands: ["find"], times: 1, action: { kind: "drop" } });
    expect(await c.find({}).toArray()).toHaveLength(0);
    expect(once.hits).toBe(1);
    server.inject({ commands: ["find"], times: 2, action: { kind: "drop" } });
    const dropped = await c.find({}).toArray().catch((e: unknown) => e);
    expect((dropped as Error).name).toMatch(/MongoNetworkError|MongoServerSelectionError/);
    const port = server.port;
    await server.stop();
    await server.restart();
    expect(server.port).toBe(port);
    await c.insertOne({ a: 2 });
    expect(await c.countDocuments({})).toBe(1);
  });
});
