import { describe, expect, it } from "vitest";
import { InvalidPrefixError } from "./errors.js";
import { validatePrefix, validateStreamName } from "./prefix.js";

describe("validatePrefix", () => {
  it("accepts ordinary multi-segment prefixes", () => {
    for (const ok of ["alice/project/my-experiment", "a", "A_1/b.c/d-e", "team/2025-10-29/run.3", "x/-dash/_under"]) {
      expect(validatePrefix(ok)).toBe(ok);
    }
  });

  it.each([
    ["../etc", /segment 1 is "\.\."/],
    ["a/../b", /segment 2 is "\.\."/],
    ["a/./b", /segment 2 is "\."/],
    ["/abs/path", /absolute path/],
    ["", /is empty/],
    ["a//b", /segment 2 is empty/],
    ["a/b/", /segment 3 is empty/],
    ["a\\b", /backslash/],
    ["a\0b", /NUL/],
    ["C:/x", /segment 1 "C:" may only hold/],
    [".hidden/x", /must not start with "\."/],
    ["a/b.", /must not end with "\."/],
    ["a b", /may only hold/],
    ["a/".repeat(17) + "a", /more than 16 segments/],
    ["x".repeat(129), /longer than 128/],
    [("x".repeat(100) + "/").repeat(5) + "x".repeat(100), /longer than 512/],
  ])("rejects %j with a clear error", (prefix, message) => {
    expect(() => validatePrefix(prefix)).toThrow(InvalidPrefixError);
    expect(() => validatePrefix(prefix)).toThrow(message);
    try {
      validatePrefix(prefix);
    } catch (error) {
      expect((error as InvalidPrefixError).value).toBe(prefix);
      expect((error as InvalidPrefixError).message).toMatch(/^prefix /);
    }
  });

  it("rejects non-strings", () => {
    expect(() => validatePrefix(42)).toThrow(/prefix 42 is not allowed: it must be a string/);
    expect(() => validatePrefix(undefined)).toThrow(InvalidPrefixError);
  });
});

describe("validateStreamName", () => {
  it("accepts one safe segment and rejects paths", () => {
    expect(validateStreamName("bytes")).toBe("bytes");
    expect(validateStreamName("event-loop.delay")).toBe("event-loop.delay");
    for (const bad of ["a/b", "..", "", ".x", "a\\b", "a\0"]) expect(() => validateStreamName(bad)).toThrow(InvalidPrefixError);
  });
});
