import { BSON, Decimal128, Double, Int32, Long, ObjectId, type Document } from "mongodb";
import { describe, expect, it } from "vitest";
import { recordFromBytes, topLevelNumber } from "./record-bytes.js";
import { fromDocument, toDocument } from "./record-document.js";

const DRIVER = { promoteLongs: true, promoteValues: true, promoteBuffers: false, bsonRegExp: false } as const;

/** What the reader returned before: the driver's decoding, then fromDocument. */
function viaDriver(bytes: Uint8Array, stream: string): Record<string, unknown> {
  return fromDocument(BSON.deserialize(bytes, DRIVER), stream);
}

function same(document: Document, stream = "logs"): Record<string, unknown> {
  const bytes = BSON.serialize(document);
  const decoded = recordFromBytes(bytes, stream);
  const expected = viaDriver(bytes, stream);
  expect(decoded).toStrictEqual(expected);
  expect(Object.keys(decoded)).toEqual(Object.keys(expected));
  return decoded;
}

describe("recordFromBytes", () => {
  it("decodes a stored log record as the driver and fromDocument do", () => {
    const record = { timestamp: "2026-12-02T01:02:03.004Z", level: "info", message: "Epoch completed", metadata: { epoch: 1, step: 2, train_loss: 0.5, lr: 1e-3, phase: "train" }, sequenceNumber: 7 };
    const document = toDocument("p/x", "logs", record);
    expect(same({ _id: new ObjectId(), ...document })).toStrictEqual(record);
  });

  it("gives every millisecond of a second its own ISO string, across seconds and before 1970", () => {
    const stamps = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1764637323004, 1764637323005, 1764637324004, -1, -999, -1000, -1001];
    for (const ms of stamps) expect(same({ timestamp: new Date(ms), sequenceNumber: 1 })["timestamp"]).toBe(new Date(ms).toISOString());
  });

  it("matches the old path on escaped keys, __proto__, nested dates, arrays, unicode, booleans, null and number types", () => {
    same({
      "%5Fid": 1,
      "a%2Eb": { "%24c": [1, "two", null, true, false, { d: new Date(5) }] },
      __proto__x: 1,
      text: "ünï ✓ 𝄞",
      long: Long.fromNumber(2 ** 40),
      int: new Int32(-5),
      double: new Double(2),
      nested: [[1, [2, [3]]], {}],
      empty: "",
      sequenceNumber: 3,
    });
    const withProto = BSON.deserialize(BSON.serialize(JSON.parse('{"metadata":{"__proto__":{"x":1}},"sequenceNumber":1}') as Document));
    const decoded = same(withProto);
    expect(Object.getPrototypeOf(decoded["metadata"])).toBe(Object.prototype);
    expect(Object.keys(decoded["metadata"] as object)).toEqual(["__proto__"]);
  });

  it("leaves out experiment and _id always and stream outside the logs stream, as fromDocument does", () => {
    const document = { _id: 1, experiment: "e", stream: "gpu", value: 1, sequenceNumber: 2 };
    expect(same(document, "gpu")).toStrictEqual({ value: 1, sequenceNumber: 2 });
    expect(same(document, "logs")).toStrictEqual({ stream: "gpu", value: 1, sequenceNumber: 2 });
  });

  it("hands values the sink never writes to the old path, with the same result", () => {
    same({ id: new ObjectId("65a1b2c3d4e5f60718293a4b"), sequenceNumber: 1 });
    same({ big: Long.fromString("9007199254740993"), sequenceNumber: 1 });
    same({ decimal: Decimal128.fromString("1.5"), sequenceNumber: 1 });
    same({ nested: { bin: new BSON.Binary(Buffer.from([1, 2])) }, sequenceNumber: 1 });
  });

  it("fails on invalid UTF-8 as the driver does", () => {
    const bytes = Buffer.from(BSON.serialize({ s: "abc", sequenceNumber: 1 }));
    bytes[bytes.indexOf("abc") + 1] = 0xff;
    expect(() => viaDriver(bytes, "logs")).toThrow();
    expect(() => recordFromBytes(bytes, "logs")).toThrow();
  });

  it("decodes a short string the cache holds only when the bytes match it", () => {
    const a = recordFromBytes(BSON.serialize({ level: "info", sequenceNumber: 1 }), "logs");
    const b = recordFromBytes(BSON.serialize({ level: "infx", sequenceNumber: 2 }), "logs");
    const c = recordFromBytes(BSON.serialize({ level: "info", sequenceNumber: 3 }), "logs");
    expect([a["level"], b["level"], c["level"]]).toEqual(["info", "infx", "info"]);
  });
});

describe("topLevelNumber", () => {
  it("finds a top-level double, int32 or safe int64 without decoding, and nothing else", () => {
    expect(topLevelNumber(BSON.serialize({ a: "x", sequenceNumber: 12 }), "sequenceNumber")).toBe(12);
    expect(topLevelNumber(BSON.serialize({ sequenceNumber: 1.5 }), "sequenceNumber")).toBe(1.5);
    expect(topLevelNumber(BSON.serialize({ sequenceNumber: Long.fromNumber(2 ** 40) }), "sequenceNumber")).toBe(2 ** 40);
    expect(topLevelNumber(BSON.serialize({ sequenceNumber: Long.fromString("9007199254740993") }), "sequenceNumber")).toBeUndefined();
    expect(topLevelNumber(BSON.serialize({ sequenceNumber: "12" }), "sequenceNumber")).toBeUndefined();
    expect(topLevelNumber(BSON.serialize({ nested: { sequenceNumber: 1 } }), "sequenceNumber")).toBeUndefined();
    expect(topLevelNumber(BSON.serialize({ sequenceNumberX: 1 }), "sequenceNumber")).toBeUndefined();
  });
});
