import type { Document } from "bson";
import { describe, expect, it } from "vitest";
import { applyProjection } from "../src/apply-projection.js";

describe("applyProjection", () => {
  it("leaves out top-level fields without touching the stored document", () => {
    const stored: Document = { _id: 1, experiment: "e", metadata: { a: { b: 1 } }, n: 2 };
    const out = applyProjection(stored, { _id: 0, experiment: 0 });
    expect(out).toEqual({ metadata: { a: { b: 1 } }, n: 2 });
    expect(Object.keys(out)).toEqual(["metadata", "n"]);
    expect(stored).toEqual({ _id: 1, experiment: "e", metadata: { a: { b: 1 } }, n: 2 });
  });

  it("still copies before leaving out a nested field, so the stored document keeps it", () => {
    const stored: Document = { _id: 1, metadata: { a: 1, b: 2 } };
    expect(applyProjection(stored, { "metadata.a": 0 })).toEqual({ _id: 1, metadata: { b: 2 } });
    expect(stored["metadata"]).toEqual({ a: 1, b: 2 });
  });
});
