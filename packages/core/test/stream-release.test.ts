import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { Stream } from "../src/stream.js";

function collectGarbage(): void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing();
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

// A stream holds `maxLength` entries; evicted and pruned ones must become garbage at once,
// not at the next compaction of the backing array (which kept up to twice as many alive and
// made the garbage collector copy them on the logging hot path).
describe("Stream memory", () => {
  it("lets go of evicted and removed entries before any compaction", async () => {
    const stream = new Stream<{ i: number }>("s", 10);
    const refs: WeakRef<{ i: number }>[] = [];
    for (let i = 0; i < 20; i++) {
      const value = { i };
      refs.push(new WeakRef(value));
      stream.push({ sequenceNumber: i, timestamp: i, value });
    }
    expect(stream.removeOlderThan(15)).toBe(5);
    expect(stream.toArray().map((e) => e.value.i)).toEqual([15, 16, 17, 18, 19]);
    // WeakRef targets stay alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(refs.map((r) => r.deref() !== undefined)).toEqual([...Array<boolean>(15).fill(false), ...Array<boolean>(5).fill(true)]);
    expect(stream.dropped).toBe(10);
    expect(stream.first?.value.i).toBe(15);
    expect(stream.at(-1)?.value.i).toBe(19);
  });
});
