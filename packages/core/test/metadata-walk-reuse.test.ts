import { describe, expect, it } from "vitest";
import { InvalidMetadataError } from "../src/errors.js";
import { normalizeMetadata } from "../src/metadata.js";

// normalizeMetadata reuses one walk (its key and ancestor stacks) from call to call, and
// converts primitive fields without the path bookkeeping. These pin down that neither
// changes a result or an error message.
describe("normalizeMetadata walk reuse", () => {
  it("names the right path after an earlier call failed deep inside its metadata", () => {
    const shared = { v: 1 };
    expect(() => normalizeMetadata({ a: { b: [shared, { c: 10n }] } })).toThrow("metadata.a.b[1].c is a BigInt");
    // Nothing of the failed walk is left: `shared` is not taken for an ancestor, and paths start at the root.
    expect(normalizeMetadata({ x: shared, y: { z: shared } })).toEqual({ x: { v: 1 }, y: { z: { v: 1 } } });
    expect(() => normalizeMetadata({ f: () => 1 })).toThrow(/^metadata\.f is a function/);
    expect(() => normalizeMetadata({ s: Symbol("s") }, "event")).toThrow(/^event\.s is a symbol/);
  });

  it("handles a toJSON that normalises metadata itself", () => {
    const inner = { toJSON: () => normalizeMetadata({ deep: { n: -0, bad: Number.NaN } }) };
    expect(normalizeMetadata({ before: 1, inner, after: "x" })).toEqual({ before: 1, inner: { deep: { n: 0, bad: "NaN" } }, after: "x" });
    const failing = {
      toJSON: () => {
        try {
          normalizeMetadata({ q: 1n });
        } catch (error) {
          return (error as InvalidMetadataError).message;
        }
        return "unreachable";
      },
    };
    expect(normalizeMetadata({ outer: { failing } })).toEqual({ outer: { failing: expect.stringMatching(/^metadata\.q is a BigInt/) } });
    expect(() => normalizeMetadata({ outer: { failing, then: 2n } })).toThrow(/^metadata\.outer\.then is a BigInt/);
  });

  it("converts primitive fields as before, in key order, reading each property once", () => {
    let reads = 0;
    const input = {
      2: "two",
      s: "text",
      t: true,
      f: false,
      z: -0,
      n: null,
      u: undefined,
      inf: Number.NEGATIVE_INFINITY,
      get g() {
        reads++;
        return 7;
      },
    };
    const out = normalizeMetadata(input);
    expect(reads).toBe(1);
    expect(out).toEqual({ 2: "two", s: "text", t: true, f: false, z: 0, n: null, inf: "-Infinity", g: 7 });
    expect(Object.keys(out ?? {})).toEqual(["2", "s", "t", "f", "z", "n", "inf", "g"]);
    expect(Object.is(out?.["z"], 0)).toBe(true);
  });
});
