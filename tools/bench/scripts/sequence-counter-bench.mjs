// Run: pnpm turbo run build --filter @dashlog/local-jsonl && node tools/bench/scripts/sequence-counter-bench.mjs
// Per-block cost of the .sequence counter: plain (no taker, the old file's shape) vs counting a worker (8 workers in the file).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reserveFromCounter } from "../../../packages/local-jsonl/dist/sequence-counter.js";
const N = 20000;
function run(withTaker) {
  const dir = mkdtempSync(join(tmpdir(), "gaps-bench-"));
  const path = join(dir, ".sequence");
  if (withTaker) for (let w = 0; w < 8; w++) reserveFromCounter(path, "p", 1, 0, () => {}, undefined, { runId: "job-1", worker: String(w) });
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) reserveFromCounter(path, "p", 4000, 0, () => {}, undefined, withTaker ? { runId: "job-1", worker: String(i % 8) } : undefined);
  return Number(process.hrtime.bigint() - t) / N / 1000;
}
const plain = [], counted = [];
for (let round = 0; round < 5; round++) { plain.push(run(false)); counted.push(run(true)); }
const med = (a) => [...a].sort((x, y) => x - y)[2];
console.log(`plain ${med(plain).toFixed(1)} µs/block, counted ${med(counted).toFixed(1)} µs/block, ratio ${(med(counted) / med(plain)).toFixed(2)}`);
