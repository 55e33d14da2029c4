import { describe, expect, it } from "vitest";
import { InvalidMetadataError } from "./errors.js";
import { MAX_METADATA_DEPTH, normalizeMetadata } from "./metadata.js";

describe("normalizeMetadata", () => {
  it("maps absent metadata to null", () => {
    expect(normalizeMetadata(undefined)).toBeNull();
    expect(normalizeMetadata(null)).toBeNull();
  });

  it("copies plain JSON unchanged, so later mutation does not change what was logged", () => {
    const input = { epoch: 5, train_loss: 0.234, tags: ["a", "b"], nested: { ok: true, none: null } };
    const out = normalizeMetadata(input);
    expect(out).toEqual(input);
    input.epoch = 6;
    input.tags.push("c");
    expect(out).toEqual({ epoch: 5, train_loss: 0.234, tags: ["a", "b"], nested: { ok: true, none: null } });
  });

  it("applies the documented conversions", () => {
    const out = normalizeMetadata({
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      date: new Date("2025-10-29T10:30:00.000Z"),
      gone: undefined,
      arr: [1, undefined, 3],
      typed: new Float32Array([1.5, 2.5]),
      bytes: new Uint8Array([1, 2]),
      custom: { toJSON: () => "custom!" },
    });
    expect(out).toEqual({
      nan: "NaN",
      inf: "Infinity",
      ninf: "-Infinity",
      date: "2025-10-29T10:30:00.000Z",
      arr: [1, null, 3],
      typed: [1.5, 2.5],
      bytes: [1, 2],
      custom: "custom!",
    });
    expect(out).not.toHaveProperty("gone");
  });

  it("keeps a __proto__ key as data and never touches the prototype", () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const out = normalizeMetadata(input);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out ?? {})).toEqual(["__proto__", "a"]);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("turns an Error into name, message and stack (and cause)", () => {
    const error = new TypeError("bad thing", { cause: new Error("root") });
    const out = normalizeMetadata({ error }) as { error: Record<string, unknown> };
    expect(out.error["name"]).toBe("TypeError");
    expect(out.error["message"]).toBe("bad thing");
    expect(String(out.error["stack"])).toContain("TypeError: bad thing");
    expect((out.error["cause"] as Record<string, unknown>)["message"]).toBe("root");
  });

  it.each([
    ["a BigInt", { big: 10n }, "metadata.big is a BigInt"],
    ["a function", { fn: () => 1 }, "metadata.fn is a function"],
    ["a symbol", { s: Symbol("x") }, "metadata.s is a symbol"],
    ["a Map", { m: new Map() }, "metadata.m cannot be stored as JSON; convert it first, e.g. with Object.fromEntries(map)"],
    ["a Set", { s: new Set([1]) }, "metadata.s cannot be stored as JSON; convert it first, e.g. with Array.from(set)"],
    ["a nested BigInt in an array", { xs: [1, { y: 2n }] }, "metadata.xs[1].y is a BigInt"],
    ["an odd key", { "a b": () => 1 }, 'metadata["a b"] is a function'],
  ])("rejects %s, naming the path", (_what, input, message) => {
    expect(() => normalizeMetadata(input)).toThrow(InvalidMetadataError);
    expect(() => normalizeMetadata(input)).toThrow(message);
  });

  it("rejects circular references but accepts shared ones", () => {
    const shared = { v: 1 };
    expect(normalizeMetadata({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
    const loop: Record<string, unknown> = { x: { y: {} } };
    (loop["x"] as { y: Record<string, unknown> }).y["back"] = loop;
    expect(() => normalizeMetadata(loop)).toThrow("metadata.x.y.back is a circular reference");
  });

  it("rejects nesting deeper than the limit instead of overflowing the stack", () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < MAX_METADATA_DEPTH + 5; i++) {
      const next = {};
      deep["d"] = next;
      deep = next;
    }
    expect(() => normalizeMetadata(root)).toThrow(`nested deeper than ${MAX_METADATA_DEPTH} levels`);
  });

  it("rejects metadata that is not an object", () => {
    for (const bad of ["text", 42, [1, 2], new Uint8Array(2), true]) {
      expect(() => normalizeMetadata(bad)).toThrow(/^metadata must be a plain object \(or omitted\)/);
    }
  });
});
