import { describe, expect, it } from "vitest";
import { parseLenientJson } from "./lenient-json.js";

describe("parseLenientJson", () => {
  it("reads Python's bare non-finite numbers as the strings dashlog writes for them", () => {
    expect(parseLenientJson('{"a": NaN, "b": [Infinity, -Infinity], "c": {"d": -Infinity}}')).toEqual({ a: "NaN", b: ["Infinity", "-Infinity"], c: { d: "-Infinity" } });
  });

  it("leaves the words alone inside strings, escaped quotes included", () => {
    expect(parseLenientJson('{"m": "NaN \\"Infinity\\" -Infinity", "v": NaN}')).toEqual({ m: 'NaN "Infinity" -Infinity', v: "NaN" });
    expect(parseLenientJson('{"NaN": 1}')).toEqual({ NaN: 1 });
  });

  it("still refuses what is not JSON, with JSON.parse's own error", () => {
    expect(() => parseLenientJson('{"a": NaNa}')).toThrow(SyntaxError);
    expect(() => parseLenientJson("{oops")).toThrow(SyntaxError);
    expect(() => parseLenientJson('{"a": nan}')).toThrow(SyntaxError);
  });
});
