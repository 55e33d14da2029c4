// What building one record's document costs, against building the same document by hand (the
// floor) and against the driver serialising it (what every insert pays anyway). Run with
// `pnpm --filter @dashlog/remote-mongo bench`. Not a test: the numbers are for reading.
import type { StoredRecord } from "@dashlog/core";
import { BSON } from "mongodb";
import { toDocument } from "../src/record-document.js";

const RECORDS = 50_000;
const ROUNDS = 7;

/** The benchmark's training-loop record (tools/bench logs the same shape); 50 records per millisecond share a timestamp, as core's do. */
function records(escaped: boolean): StoredRecord[] {
  const start = Date.UTC(2026, 10, 23);
  return Array.from({ length: RECORDS }, (_, i) => ({
    timestamp: new Date(start + Math.floor(i / 50)).toISOString(),
    level: "info",
    message: "Epoch completed",
    metadata: {
      epoch: i % 10,
      step: i,
      [escaped ? "train.loss" : "train_loss"]: 1 / (i + 1),
      val_loss: 1 / (i + 2),
      lr: 0.001,
      phase: "train",
    },
    sequenceNumber: i,
  }));
}

const plain = records(false);
const withDots = records(true);
let sink = 0;

const cases: Record<string, () => void> = {
  "hand-built document (the floor)": () => {
    for (const r of plain) {
      const doc = { experiment: "bench/remote", timestamp: new Date(Date.parse(r["timestamp"] as string)), level: r["level"], message: r["message"], metadata: r["metadata"], sequenceNumber: r.sequenceNumber };
      sink += doc.sequenceNumber;
    }
  },
  "toDocument": () => {
    for (const r of plain) sink += toDocument("bench/remote", "logs", r)["sequenceNumber"] as number;
  },
  "toDocument, a metadata key to escape (copied)": () => {
    for (const r of withDots) sink += toDocument("bench/remote", "logs", r)["sequenceNumber"] as number;
  },
  "BSON.serialize of the document (the driver, per insert)": () => {
    for (const r of plain) sink += BSON.serialize(toDocument("bench/remote", "logs", r)).length;
  },
};

const samples = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order every round, so no case always runs right after the same neighbour.
  const names = Object.keys(cases);
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    const run = cases[name] as () => void;
    const t = performance.now();
    run();
    (samples.get(name) as number[]).push(((performance.now() - t) * 1e6) / RECORDS);
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
// The first round warms the JIT up; it is left out.
const floor = median((samples.get("hand-built document (the floor)") as number[]).slice(1));
console.log(`${RECORDS.toLocaleString("en-US")} records x ${ROUNDS - 1} rounds (after one warm-up round), median ns per record:`);
for (const [name, xs] of samples) {
  const m = median(xs.slice(1));
  console.log(`  ${name.padEnd(58)} ${m.toFixed(0).padStart(6)} ns   x${(m / floor).toFixed(1)} the floor`);
}
if (sink === 0) console.log("(unreachable: keeps the loops from being optimised away)");
