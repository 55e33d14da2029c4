import { Experiment, defineConsumer, manualClock, type ReadIssue, type StoredRecord } from "@dashlog/core";
import { MongoTestServer } from "@dashlog/mongo-test-server";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mongoReader, mongoSink, type MongoReader } from "../src/index.js";
import { TEST_CLIENT_OPTIONS, startTarget, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const PREFIX = "alice/project/reader";
const START = Date.UTC(2025, 9, 29, 10, 30, 0);
const LEVELS = ["debug", "info", "warn", "error", "fatal"] as const;

let target: MongoTarget;
let reader: MongoReader;

beforeAll(async () => {
  target = await startTarget("reader");
  const spool = await tempDir();
  const sink = mongoSink({ uri: target.uri, database: target.database, spoolDir: spool.path, clientOptions: TEST_CLIENT_OPTIONS, flushIntervalMs: 5 });
  const clock = manualClock(START);
  // 50 records one second apart, levels cycling, and a sparse `every10` stream.
  await new Experiment({
    prefix: PREFIX,
    sink,
    clock,
    consumers: { every10: defineConsumer((event) => (event.sequenceNumber % 10 === 0 ? { timestamp: new Date(event.timestamp).toISOString(), n: event.sequenceNumber } : undefined)) },
  }).run((exp) => {
    for (let i = 0; i < 50; i++) {
      exp.log(`message ${i}`, { level: LEVELS[i % 5], metadata: { i } });
      clock.advance(1000);
    }
  });
  await sink.close();
  await spool.remove();
  // Small pages, so paging is exercised.
  reader = mongoReader({ uri: target.uri, database: target.database, clientOptions: TEST_CLIENT_OPTIONS, pageSize: 7 });
});

afterAll(async () => {
  await reader.close();
  await target.close();
});

async function collect(iterable: AsyncIterable<StoredRecord>): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

const seqs = (records: readonly StoredRecord[]) => records.map((r) => r.sequenceNumber);

describe("mongoReader", () => {
  it("reads every record oldest first, exactly as logged", async () => {
    const records = await collect(reader.read(PREFIX));
    expect(seqs(records)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(records[7]).toEqual({
      timestamp: new Date(START + 7000).toISOString(),
      level: "warn",
      message: "message 7",
      metadata: { i: 7 },
      sequenceNumber: 7,
    });
  });

  it("filters by minimum level and by exact levels", async () => {
    const warnUp = await collect(reader.read(PREFIX, { level: "warn" }));
    expect(warnUp.every((r) => ["warn", "error", "fatal"].includes(r["level"] as string))).toBe(true);
    expect(warnUp).toHaveLength(30);
    const exact = await collect(reader.read(PREFIX, { levels: ["debug", "fatal"] }));
    expect(seqs(exact)).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 === 0 || i % 5 === 4));
  });

  it("filters by time range (inclusive) and sequence range", async () => {
    const range = await collect(reader.read(PREFIX, { since: new Date(START + 10_000), until: new Date(START + 14_000).toISOString() }));
    expect(seqs(range)).toEqual([10, 11, 12, 13, 14]);
    const bySeq = await collect(reader.read(PREFIX, { fromSequence: 45, toSequence: 47, level: "info" }));
    expect(seqs(bySeq)).toEqual([46, 47]);
  });

  it("tails the last n matching records, oldest first", async () => {
    expect(seqs(await reader.tail(PREFIX, 3))).toEqual([47, 48, 49]);
    expect(seqs(await reader.tail(PREFIX, 2, { level: "fatal" }))).toEqual([44, 49]);
    expect(await reader.tail(PREFIX, 0)).toEqual([]);
  });

  it("reads other streams, with time filters on their timestamps", async () => {
    const every10 = await collect(reader.read(PREFIX, { stream: "every10" }));
    expect(every10.map((r) => r["n"])).toEqual([0, 10, 20, 30, 40]);
    expect(every10[1]).toEqual({ timestamp: new Date(START + 10_000).toISOString(), n: 10, sequenceNumber: 10 });
    const late = await collect(reader.read(PREFIX, { stream: "every10", since: START + 25_000 }));
    expect(seqs(late)).toEqual([30, 40]);
  });

  it("reports documents of the wrong shape and reads on", async () => {
    const db = target.client.db(target.database);
    await db.collection("logs").insertOne({ experiment: "alice/project/bad", sequenceNumber: 0, level: "loud", message: 1 });
    await db.collection("logs").insertOne({ experiment: "alice/project/bad", timestamp: new Date(START), level: "info", message: "ok", metadata: null, sequenceNumber: 1 });
    const issues: ReadIssue[] = [];
    const records = await collect(reader.read("alice/project/bad", { onIssue: (i) => issues.push(i) }));
    expect(seqs(records)).toEqual([1]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.kind).toBe("invalid");
    expect(issues[0]?.line).toBe(1);
  });

  it("follows: starts with the tail, then yields new and late-arriving records until aborted", async () => {
    const prefix = "alice/project/follow";
    const db = target.client.db(target.database);
    const doc = (seq: number) => ({ experiment: prefix, timestamp: new Date(START + seq), level: "info", message: `m${seq}`, metadata: null, sequenceNumber: seq });
    await db.collection("logs").insertMany([0, 1, 2, 3].map(doc));
    const controller = new AbortController();
    const seen: number[] = [];
    const following = (async () => {
      for await (const record of reader.follow(prefix, { tail: 2, pollIntervalMs: 20, signal: controller.signal })) {
        seen.push(record.sequenceNumber);
        if (seen.length === 5) controller.abort();
      }
    })();
    await waitFor(() => seen.length >= 2);
    await db.collection("logs").insertMany([4, 6].map(doc));
    await waitFor(() => seen.length >= 4);
    // 5 arrives after 6, as a replayed spool record would.
    await db.collection("logs").insertOne(doc(5));
    await following;
    expect(seen).toEqual([2, 3, 4, 6, 5]);
  });

  it("follows through a change stream where the server has them, without polling", async () => {
    // A replica set is needed: the in-repo server poses as one (a real standalone would make follow poll).
    const server = await MongoTestServer.start({ replicaSet: "rs0" });
    const client = new MongoClient(server.uri);
    const rsReader = mongoReader({ uri: server.uri, database: "cs", clientOptions: TEST_CLIENT_OPTIONS });
    try {
      const prefix = "alice/project/changes";
      const logs = client.db("cs").collection("logs");
      const doc = (seq: number, level = "info", experiment = prefix) => ({ experiment, timestamp: new Date(START + seq), level, message: `m${seq}`, metadata: null, sequenceNumber: seq });
      await logs.insertMany([0, 1].map((seq) => doc(seq)));
      const controller = new AbortController();
      const seen: number[] = [];
      const following = (async () => {
        for await (const record of rsReader.follow(prefix, { level: "info", pollIntervalMs: 50, signal: controller.signal })) {
          seen.push(record.sequenceNumber);
          if (seen.length === 5) controller.abort();
        }
      })();
      await waitFor(() => seen.length >= 2);
      const findsBefore = server.commandCount("find");
      await logs.insertMany([doc(2), doc(3, "debug"), doc(4, "info", "someone/else"), doc(6)]);
      await waitFor(() => seen.length >= 4);
      await logs.insertOne(doc(5));
      await following;
      expect(seen).toEqual([0, 1, 2, 6, 5]);
      expect(server.commandCount("find")).toBe(findsBefore);
      expect(server.commandCount("getMore")).toBeGreaterThan(0);
    } finally {
      await rsReader.close();
      await client.close();
      await server.close();
    }
  });

  it("checks its arguments", async () => {
    await expect(reader.tail(PREFIX, -1)).rejects.toThrow(/n must be a non-negative integer/);
    await expect(collect(reader.read(PREFIX, { level: "loud" as never }))).rejects.toThrow(/level must be one of/);
    await expect(collect(reader.read("../etc"))).rejects.toThrow(/prefix/);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
