import { describe, expect, it } from "vitest";
import { RecordRejectedError, escapeKey, fromDocument, toDocument, unescapeKey } from "../src/index.js";

describe("escapeKey / unescapeKey", () => {
  it("escapes $, ., % and NUL reversibly and leaves other keys alone", () => {
    for (const key of ["$where", "a.b", "100%", "%24", "x\u0000y", "plain", "ünï", "", "..$$%%"]) {
      expect(unescapeKey(escapeKey(key))).toBe(key);
      expect(escapeKey(key)).not.toMatch(/[$.\u0000]/);
    }
    expect(escapeKey("loss.val")).toBe("loss%2Eval");
    expect(escapeKey("plain")).toBe("plain");
  });
});

describe("toDocument / fromDocument", () => {
  const log = { timestamp: "2025-10-29T10:30:00.000Z", level: "info", message: "m", metadata: { "a.b": [1, { "$c": null }] }, sequenceNumber: 4 };

  it("stores the canonical timestamp as a Date and round-trips the record exactly", () => {
    const doc = toDocument("p/x", "logs", log);
    expect(Object.keys(doc)).toEqual(["experiment", "timestamp", "level", "message", "metadata", "sequenceNumber"]);
    expect(doc["timestamp"]).toEqual(new Date("2025-10-29T10:30:00.000Z"));
    expect(doc["metadata"]).toEqual({ "a%2Eb": [1, { "%24c": null }] });
    expect(fromDocument(doc, "logs")).toEqual(log);
  });

  it("keeps non-canonical timestamps and numbers as they are, and escapes reserved top-level names in streams", () => {
    const record = { timestamp: 1761733800000, experiment: "e", stream: "s", _id: 1, sequenceNumber: 0 };
    const doc = toDocument("p/x", "bytes", record);
    expect(doc).toEqual({ experiment: "p/x", stream: "bytes", timestamp: 1761733800000, "%65xperiment": "e", "%73tream": "s", "%5Fid": 1, sequenceNumber: 0 });
    expect(fromDocument(doc, "bytes")).toEqual(record);
    expect(toDocument("p/x", "s", { timestamp: "2025-10-29T10:30:00Z", sequenceNumber: 1 })["timestamp"]).toBe("2025-10-29T10:30:00Z");
  });

  it("keeps a __proto__ key as data", () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const back = fromDocument(toDocument("p/x", "logs", { ...log, metadata: metadata as never }), "logs");
    expect(Object.keys(back["metadata"] as object)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("rejects values JSON cannot hold, naming the path and the record", () => {
    const bad = (value: unknown) => () => toDocument("p/x", "s", { sequenceNumber: 9, v: { deep: [value] } } as never);
    expect(bad(Number.NaN)).toThrow(RecordRejectedError);
    expect(bad(Number.NaN)).toThrow(/record 9 cannot be stored in MongoDB: v\.deep\[0\] is NaN/);
    expect(bad(10n)).toThrow(/v\.deep\[0\] is not a JSON value \(got 10n\)/);
    expect(bad(new Map())).toThrow(/is not a JSON value \(got \[Map\]\)/);
  });

  it("converts each record's own timestamp, and keeps an impossible date as text", () => {
    const at = (timestamp: string, sequenceNumber: number) => toDocument("p/x", "logs", { ...log, timestamp, sequenceNumber })["timestamp"];
    // Alternating values: a cached conversion must never leak into the next record.
    expect(at("2025-10-29T10:30:00.001Z", 1)).toEqual(new Date("2025-10-29T10:30:00.001Z"));
    expect(at("2025-10-29T10:30:00.002Z", 2)).toEqual(new Date("2025-10-29T10:30:00.002Z"));
    expect(at("2025-10-29T10:30:00.001Z", 3)).toEqual(new Date("2025-10-29T10:30:00.001Z"));
    expect(at("2025-13-45T99:99:99.999Z", 4)).toBe("2025-13-45T99:99:99.999Z");
    expect(at("2025-02-30T00:00:00.000Z", 5)).toBe("2025-02-30T00:00:00.000Z");
    expect(at("2025-02-28T24:00:00.000Z", 6)).toBe("2025-02-28T24:00:00.000Z");
  });

  it("shares metadata that needs no change and copies, never mutates, metadata that does", () => {
    const clean = { ...log, metadata: { loss: 0.5, tags: ["a", "b"], nested: { ok: true, none: null } } };
    expect(toDocument("p/x", "logs", clean)["metadata"]).toBe(clean.metadata);
    const holes = [1, , 3] as unknown as number[];
    const dirty = { ...log, metadata: { "a.b": 1, list: holes, inner: { skip: undefined, keep: 2 } } };
    const before = JSON.stringify(dirty);
    const doc = toDocument("p/x", "logs", dirty as never);
    expect(doc["metadata"]).toEqual({ "a%2Eb": 1, list: [1, null, 3], inner: { keep: 2 } });
    expect(Object.keys((doc["metadata"] as { inner: object }).inner)).toEqual(["keep"]);
    expect(JSON.stringify(dirty)).toBe(before);
    expect(dirty.metadata["a.b"]).toBe(1);
  });

  it("measures multi-byte text and long arrays by their UTF-8 and BSON bytes, not their length", () => {
    // 2 or 4 UTF-8 bytes per character: over 16 MiB though the string is far shorter.
    const twoByte = "é".repeat(8_400_000);
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { blob: twoByte } })).toThrow(/over MongoDB's limit/);
    const emoji = "\u{1F600}".repeat(4_200_000);
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { blob: emoji } })).toThrow(/over MongoDB's limit/);
    // 1.2M numbers: 8 bytes each plus a type byte and an index key: about 20 MB of BSON.
    const numbers = Array.from({ length: 1_200_000 }, (_, i) => i + 0.5);
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { numbers } })).toThrow(/over MongoDB's limit/);
    // Within the limit, though a rough per-character bound would be over it: measured, then kept.
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { blob: "x".repeat(8_000_000) } })).not.toThrow();
  });

  it("rejects a document over 16 MiB", () => {
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { blob: "x".repeat(16 * 1024 * 1024) } })).toThrow(/over MongoDB's limit of 16777216 bytes/);
    expect(() => toDocument("p/x", "logs", { ...log, metadata: { blob: "x".repeat(16 * 1024 * 1024 - 200) } })).not.toThrow();
  });
});

describe("fromDocument without copies", () => {
  const base = { _id: 1, experiment: "p/x", timestamp: new Date(Date.UTC(2025, 9, 29)), level: "info", message: "m", sequenceNumber: 3 };

  it("hands out metadata that is already JSON as it is, and equal to the copy it replaces", () => {
    const metadata = { epoch: 1, loss: [0.5, { deep: true }], phase: null };
    const record = fromDocument({ ...base, metadata }, "logs");
    expect(record["metadata"]).toBe(metadata);
    expect(record).toEqual({ timestamp: "2025-10-29T00:00:00.000Z", level: "info", message: "m", metadata: { epoch: 1, loss: [0.5, { deep: true }], phase: null }, sequenceNumber: 3 });
  });

  it("still converts what is not JSON yet: escaped keys and dates, however deep", () => {
    const at = new Date(0);
    const record = fromDocument({ ...base, metadata: { "loss%2Eval": 1, nested: [{ at }] } }, "logs");
    expect(record["metadata"]).toEqual({ "loss.val": 1, nested: [{ at: "1970-01-01T00:00:00.000Z" }] });
  });
});
