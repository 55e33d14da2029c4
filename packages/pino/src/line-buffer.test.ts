import { expect, it } from "vitest";
import { LineBuffer } from "./line-buffer.js";

it("returns whole lines and keeps a partial one for the next chunk", () => {
  const buffer = new LineBuffer();
  expect(buffer.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
  expect(buffer.push(':2}\n{"c":3}\n')).toEqual(['{"b":2}', '{"c":3}']);
  expect(buffer.push("tail")).toEqual([]);
  expect(buffer.end()).toBe("tail");
  expect(buffer.end()).toBeUndefined();
});
