import { expect, it } from "vitest";
import { TrigramFilter, queryBits } from "./trigram-filter.js";

function indexed(texts: readonly (readonly string[])[], maxBlocks?: number): TrigramFilter {
  const filter = new TrigramFilter(maxBlocks);
  texts.forEach((list, k) => {
    filter.setCheckpoint(k);
    for (const t of list) filter.add(k, t.toLowerCase());
  });
  return filter;
}

it("never rules out a checkpoint that holds the text, and rules out those that surely do not", () => {
  const texts = [["step 12 done", '{"loss":0.25}'], ["Die GRÖßE wächst", "überall ünïcödé"], ["epoch 7 started"]];
  const filter = indexed(texts);
  // Every substring of every text (of three characters or more) is allowed in its own checkpoint.
  texts.forEach((list, k) => {
    for (const t of list) {
      const lower = t.toLowerCase();
      for (let i = 0; i < lower.length; i++) for (let j = i + 3; j <= lower.length; j++) expect(filter.mayContain(k, queryBits(lower.slice(i, j)))).toBe(true);
    }
  });
  expect(filter.mayContain(0, queryBits("epoch 7"))).toBe(false);
  expect(filter.mayContain(2, queryBits("step 12"))).toBe(false);
  expect(filter.mayContain(1, queryBits("größe wächst"))).toBe(true);
});

it("lets every query through for a checkpoint beyond the last indexed", () => {
  const filter = indexed([["alpha beta"], ["gamma delta"]]);
  expect(filter.checkpoints).toBe(2);
  expect(filter.mayContain(1, queryBits("alpha"))).toBe(false);
  for (let k = 2; k < 6; k++) expect(filter.mayContain(k, queryBits("anything at all"))).toBe(true);
});

it("has no bits for a query shorter than a trigram (every checkpoint may match)", () => {
  expect(queryBits("ab")).toEqual([]);
  expect(queryBits("abc")).toHaveLength(1);
});

it("stays within its block budget by merging neighbours, still never ruling out a checkpoint that matches", () => {
  const texts = Array.from({ length: 100 }, (_, k) => [`unique message number ${k * 7919}`]);
  const filter = indexed(texts, 8);
  expect(filter.bytes).toBeLessThanOrEqual(8 * 512);
  texts.forEach(([t], k) => expect(filter.mayContain(k, queryBits(t as string))).toBe(true));
  // Merged blocks still rule out most checkpoints for a text held by one.
  const ruledOut = texts.filter((_, k) => !filter.mayContain(k, queryBits("unique message number 7919"))).length;
  expect(ruledOut).toBeGreaterThan(50);
});

it("grows in fixed-size blocks: two bytes a record for checkpoints of 256 records", () => {
  const filter = new TrigramFilter();
  for (let k = 0; k < 1000; k++) filter.setCheckpoint(k);
  expect(filter.bytes).toBeLessThanOrEqual(1024 * 512);
  expect(filter.bytes).toBeGreaterThanOrEqual(1000 * 512);
});
