import { describe, expect, it } from "vitest";
import { Experiment } from "../src/experiment.js";
import { MemorySink } from "../src/memory-sink.js";
import { normalizeMetadata } from "../src/metadata.js";

// JSON writes -0 as 0, so a file sink gave back 0 while the in-memory copy (and MemorySink,
// and a BSON store) kept -0: the README promises the copy is exactly what a reader gets back.
describe("metadata -0", () => {
  it("is stored as 0, at any depth and in typed arrays", () => {
    const copy = normalizeMetadata({ a: -0, b: [-0], c: { d: new Float64Array([-0, 1]) } });
    expect(copy).toEqual({ a: 0, b: [0], c: { d: [0, 1] } });
    expect(Object.is(copy?.["a"], 0)).toBe(true);
  });

  it("reaches a sink as 0", async () => {
    const sink = new MemorySink();
    await new Experiment({ prefix: "zero/negative", sink }).run((exp) => exp.log("loss", { metadata: { loss: -0 } }));
    expect(Object.is(sink.logs("zero/negative")[0]?.metadata?.["loss"], 0)).toBe(true);
  });
});
