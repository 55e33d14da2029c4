import { BSON, Binary, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, BSONRegExp, type Document } from "bson";
import { MongoClient, ObjectId as DriverObjectId } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoTestServer } from "../src/index.js";
import { applyProjection, topLevelExclusions } from "../src/apply-projection.js";
import { EncodedDocument, projectedBytes, rememberBytes, serializeDocument, storedBytes, withoutTopLevelFields } from "../src/stored-bytes.js";

const decodeOptions = { promoteLongs: true, promoteValues: true } as const;

/** A document as the server holds it: decoded from the bytes a client sent, with those bytes remembered. */
function stored(document: Document): Document {
  const bytes = BSON.serialize(document);
  const decoded = BSON.deserialize(bytes, decodeOptions);
  rememberBytes(decoded, bytes);
  return decoded;
}

/** Every BSON type the byte walk skips over. */
const everyType: Document = {
  _id: new ObjectId("65a1b2c3d4e5f60718293a4b"),
  experiment: "alice/run-1",
  double: new Double(1),
  string: "é ü",
  document: { a: 1, nested: { b: [1, 2] } },
  array: [1, "two", { three: 3 }],
  binary: new Binary(Buffer.from([1, 2, 3]), 4),
  undefinedValue: undefined,
  objectId: new ObjectId("65a1b2c3d4e5f60718293a4c"),
  boolean: true,
  date: new Date(Date.UTC(2026, 0, 2)),
  nullValue: null,
  regex: new BSONRegExp("a+b", "i"),
  code: new Code("x => x"),
  codeWithScope: new Code("x => y", { y: 1 }),
  int32: new Int32(7),
  timestamp: new Timestamp({ t: 5, i: 6 }),
  int64: Long.fromString("9007199254740993"),
  decimal: Decimal128.fromString("1.5"),
  min: new MinKey(),
  max: new MaxKey(),
  last: "end",
};

describe("stored document bytes", () => {
  it("leaves out exactly the named top-level fields, whatever the other fields' types", () => {
    const bytes = BSON.serialize(everyType, { ignoreUndefined: false });
    const out = withoutTopLevelFields(bytes, new Set(["_id", "experiment", "int32"]));
    expect(out).toBeDefined();
    const expected = { ...BSON.deserialize(bytes, { promoteValues: false }) };
    delete expected["_id"];
    delete expected["experiment"];
    delete expected["int32"];
    expect(BSON.deserialize(out as Uint8Array, { promoteValues: false })).toStrictEqual(expected);
    expect(Object.keys(BSON.deserialize(out as Uint8Array)).at(-1)).toBe("last");
  });

  it("returns the bytes unchanged in content when nothing named is there", () => {
    const bytes = BSON.serialize({ a: 1, b: "x" });
    expect(Buffer.from(withoutTopLevelFields(bytes, new Set(["c"])) as Uint8Array)).toEqual(Buffer.from(bytes));
  });

  it("gives up (undefined) on an element type it does not know", () => {
    const bytes = Buffer.from(BSON.serialize({ a: 1, b: 2 }));
    bytes[4] = 0x42; // the first element's type byte
    expect(withoutTopLevelFields(bytes, new Set(["b"]))).toBeUndefined();
  });

  it("encodes a reply holding stored documents as BSON.serialize encodes the decoded ones", () => {
    const documents = [stored({ _id: 1, n: 1, s: "a", m: { k: [1, 2] } }), stored({ _id: 2, n: 2.5, d: new Date(0) }), { _id: 3, fresh: true }];
    const reply = { cursor: { firstBatch: documents, id: Long.fromNumber(12), ns: "db.c" }, ok: 1 };
    expect(Buffer.from(serializeDocument(reply))).toEqual(Buffer.from(BSON.serialize(reply)));
  });

  it("sends a stored document back in the types it was stored in, not the types its decoded values would get", () => {
    const document = stored({ _id: 1, whole: new Double(2), big: Long.fromNumber(3) });
    expect(document["whole"]).toBe(2);
    const reply = BSON.deserialize(serializeDocument({ cursor: { nextBatch: [document] } }), { promoteValues: false }) as { cursor: { nextBatch: Document[] } };
    const back = reply.cursor.nextBatch[0] as Document;
    expect(back["whole"]).toBeInstanceOf(Double);
    expect(back["big"]).toBeInstanceOf(Long);
    // Re-encoding the decoded document would have turned both into int32.
    const reencoded = BSON.deserialize(BSON.serialize(document), { promoteValues: false });
    expect(reencoded["whole"]).toBeInstanceOf(Int32);
  });

  it("projects a stored document on its bytes, as applyProjection does on the object", () => {
    const document = stored({ _id: 1, experiment: "e", stream: "s", value: { x: 1 }, sequenceNumber: 4 });
    const projection = { _id: 0, experiment: 0 };
    const encoded = projectedBytes(document, topLevelExclusions(projection) as ReadonlySet<string>);
    expect(encoded).toBeInstanceOf(EncodedDocument);
    expect(BSON.deserialize((encoded as EncodedDocument).bytes)).toStrictEqual(applyProjection(document, projection));
    expect(projectedBytes({ a: 1 }, new Set(["a"]))).toBeUndefined();
  });

  it("writes projected documents into a reply as BSON.serialize writes the projected objects", () => {
    const documents = [stored({ _id: 1, experiment: "e", a: 1 }), stored({ experiment: "e", _id: 2, b: { c: "d" } }), stored({ _id: 3, experiment: "e" })];
    const projection = { _id: 0, experiment: 0 };
    const excluded = topLevelExclusions(projection) as ReadonlySet<string>;
    const encoded = documents.map((d) => projectedBytes(d, excluded) as EncodedDocument);
    const objects = documents.map((d) => applyProjection(d, projection));
    const reply = (batch: unknown[]) => ({ cursor: { nextBatch: batch, id: Long.fromNumber(0), ns: "db.c" }, ok: 1 });
    expect(Buffer.from(serializeDocument(reply(encoded)))).toEqual(Buffer.from(BSON.serialize(reply(objects))));
  });

  it("projects on bytes only for exclusions of top-level fields", () => {
    expect(topLevelExclusions({ _id: 0, experiment: 0 })).toEqual(new Set(["_id", "experiment"]));
    expect(topLevelExclusions({ _id: 1, a: 0 })).toEqual(new Set(["a"]));
    expect(topLevelExclusions({ a: 1 })).toBeUndefined();
    expect(topLevelExclusions({ "a.b": 0 })).toBeUndefined();
    expect(topLevelExclusions({ a: { $slice: 1 } })).toBeUndefined();
    expect(topLevelExclusions({})).toBeUndefined();
  });

  it("keeps the bytes out of sight: not a key, not copied by a spread", () => {
    const document = stored({ a: 1 });
    expect(Object.keys(document)).toEqual(["a"]);
    expect(storedBytes({ ...document })).toBeUndefined();
    expect(storedBytes(document)).toBeDefined();
  });
});

describe("stored bytes through the driver", () => {
  let server: MongoTestServer;
  let client: MongoClient;
  beforeAll(async () => {
    server = await MongoTestServer.start();
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it("reads back inserted documents, paged and projected, equal to what was inserted", async () => {
    const collection = client.db("bytes").collection("docs");
    // The driver's own ObjectId class, so what it reads back compares equal, prototype included.
    const inserted = Array.from({ length: 250 }, (_, i) => ({ _id: new DriverObjectId(), experiment: "e", sequenceNumber: i, value: { i, half: i / 2, tag: `t${i}` } }));
    await collection.insertMany(inserted.map((d) => ({ ...d })));
    const all = await collection.find({}, { sort: { sequenceNumber: 1 }, batchSize: 100 }).toArray();
    expect(all).toStrictEqual(inserted);
    const page = await collection.find({ sequenceNumber: { $gt: 99 } }, { sort: { sequenceNumber: 1 }, limit: 50, projection: { _id: 0, experiment: 0 } }).toArray();
    expect(page).toStrictEqual(inserted.slice(100, 150).map(({ sequenceNumber, value }) => ({ sequenceNumber, value })));
  });

  it("reads back an updated document as updated, not as its original bytes", async () => {
    const collection = client.db("bytes").collection("updated");
    await collection.insertOne({ _id: 1 as never, n: 1 });
    await collection.updateOne({ _id: 1 as never }, { $set: { n: 2 } });
    expect(await collection.findOne({ _id: 1 as never })).toStrictEqual({ _id: 1, n: 2 });
  });
});
