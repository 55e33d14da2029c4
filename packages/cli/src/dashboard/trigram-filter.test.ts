import { expect, it } from "vitest";
import { TrigramFilter, queryBits } from "./trigram-filter.js";

it("never rules out a block that holds the text, and rules out blocks that surely do not", () => {
  const filter = new TrigramFilter();
  const blocks = [["step 12 done", '{"loss":0.25}'], ["Die GRÖßE wächst", "überall ünïcödé"], ["epoch 7 started"]];
  blocks.forEach((texts, b) => {
    filter.setBlock(b, false);
    for (const t of texts) filter.add(b, t.toLowerCase());
  });
  // Every substring of every text (of three characters or more) is allowed in its own block.
  blocks.forEach((texts, b) => {
    for (const t of texts) {
      const lower = t.toLowerCase();
      for (let i = 0; i < lower.length; i++) for (let j = i + 3; j <= lower.length; j++) expect(filter.mayContain(b, queryBits(lower.slice(i, j)))).toBe(true);
    }
  });
  expect(filter.mayContain(0, queryBits("epoch 7"))).toBe(false);
  expect(filter.mayContain(2, queryBits("step 12"))).toBe(false);
  expect(filter.mayContain(1, queryBits("größe wächst"))).toBe(true);
});

it("lets every query through for a block not indexed yet, or one beyond the last", () => {
  const filter = new TrigramFilter();
  filter.setBlock(3, true);
  expect(filter.blocks).toBe(4);
  for (let b = 0; b < 6; b++) expect(filter.mayContain(b, queryBits("anything at all"))).toBe(true);
  filter.setBlock(3, false);
  expect(filter.mayContain(3, queryBits("anything at all"))).toBe(false);
});

it("has no bits for a query shorter than a trigram (every block may match)", () => {
  expect(queryBits("ab")).toEqual([]);
  expect(queryBits("abc")).toHaveLength(1);
});

it("grows in fixed-size blocks: two bytes a record for checkpoints of 256 records", () => {
  const filter = new TrigramFilter();
  for (let b = 0; b < 1000; b++) filter.setBlock(b, false);
  expect(filter.bytes).toBeLessThanOrEqual(1024 * 512);
  expect(filter.bytes).toBeGreaterThanOrEqual(1000 * 512);
});
