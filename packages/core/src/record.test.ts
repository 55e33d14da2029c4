import { describe, expect, it } from "vitest";
import { toStoredRecord } from "./record.js";

const entry = (value: unknown, sequenceNumber = 7) => ({ sequenceNumber, timestamp: 0, value });

describe("toStoredRecord", () => {
  it("adds sequenceNumber to a plain object's fields exactly as a spread would, key order included", () => {
    const shapes: Record<string, unknown>[] = [
      { timestamp: "t", category: "log", kind: "point" },
      { a: 1, sequenceNumber: 3, b: [1, { c: null }] },
      Object.assign(Object.create(null) as object, { x: "y" }),
      JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as Record<string, unknown>,
    ];
    for (const value of shapes) {
      const stored = toStoredRecord(entry(value));
      expect(JSON.stringify(stored)).toBe(JSON.stringify({ ...value, sequenceNumber: 7 }));
      expect(stored).not.toBe(value);
      expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("never changes the consumer's value", () => {
    const value = { a: 1 };
    toStoredRecord(entry(value));
    expect(value).toEqual({ a: 1 });
  });

  it("passes through a value that already carries the entry's sequence number, and wraps other values", () => {
    const value = { a: 1, sequenceNumber: 7 };
    expect(toStoredRecord(entry(value))).toBe(value);
    expect(toStoredRecord(entry(42))).toEqual({ value: 42, sequenceNumber: 7 });
    expect(toStoredRecord(entry([1, 2]))).toEqual({ value: [1, 2], sequenceNumber: 7 });
  });
});
