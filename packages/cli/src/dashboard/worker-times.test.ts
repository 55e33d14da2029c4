import { expect, it } from "vitest";
import { WorkerTimes } from "./worker-times.js";

it("places a worker's sequence number by that worker's records, though the file interleaves the workers' blocks", () => {
  const times = new WorkerTimes();
  // Worker a numbers from 0, worker b from 4000; their batches alternate in the file.
  for (let batch = 0; batch < 10; batch++) {
    for (let i = 0; i < 100; i++) times.note("a", batch * 100 + i, 1000 * (batch * 100 + i));
    for (let i = 0; i < 100; i++) times.note("b", 4000 + batch * 100 + i, 1000 * (batch * 100 + i) + 500);
  }
  expect(times.timeOf("a", 300)).toBe(300_000);
  expect(times.timeOf("b", 4300)).toBe(300_500);
  // Between kept points: interpolated; past the last record: its time.
  expect(times.timeOf("b", 4600)).toBe(600_500);
  expect(times.timeOf("a", 5000)).toBe(999_000);
  expect(times.timeOf("c", 1)).toBeUndefined();
});
