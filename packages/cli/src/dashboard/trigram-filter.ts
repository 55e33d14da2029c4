/** Bits per block: 512 bytes, for a checkpoint of 256 records two bytes a record. */
export const FILTER_BITS = 4096;
/** Blocks kept at most (8 MiB): beyond, neighbours merge and each block covers twice the checkpoints. */
export const MAX_BLOCKS = 16_384;
const WORDS = FILTER_BITS / 32;
const SHIFT = 32 - Math.log2(FILTER_BITS);

/** The bit of one lower-cased trigram (three UTF-16 units), multiplicatively hashed. */
function bitOf(a: number, b: number, c: number): number {
  return Math.imul((a << 16) ^ (b << 8) ^ c ^ (a >>> 8) ^ (b << 24), 0x9e3779b1) >>> SHIFT;
}

/** The trigram bits a lower-cased query needs; empty when it is too short to have any (every block may match). */
export function queryBits(lowerText: string): number[] {
  const bits = new Set<number>();
  for (let i = 0; i + 2 < lowerText.length; i++) bits.add(bitOf(lowerText.charCodeAt(i), lowerText.charCodeAt(i + 1), lowerText.charCodeAt(i + 2)));
  return [...bits];
}

/**
 * One bit set per trigram of the text of each checkpoint of the log index (its messages and
 * metadata), in FILTER_BITS per block: a text search skips every checkpoint whose block lacks
 * a bit of the query's trigrams, without reading it. A set bit may be another trigram's (a
 * false positive costs one read); an unset bit is certain, so no match is ever skipped. A
 * checkpoint beyond the last indexed matches everything. Memory is bounded: past `maxBlocks` blocks,
 * neighbours are OR-ed together, so a block stands for 2, 4, ... checkpoints and only the
 * false positives grow.
 */
export class TrigramFilter {
  readonly #maxBlocks: number;
  #words: Uint32Array;
  /** Blocks in use, and log2 of the checkpoints each stands for. */
  #blocks = 0;
  #shift = 0;
  #checkpoints = 0;

  constructor(maxBlocks = MAX_BLOCKS) {
    if (!Number.isInteger(maxBlocks) || maxBlocks < 2) throw new RangeError(`maxBlocks must be an integer of at least 2, got ${maxBlocks}`);
    this.#maxBlocks = maxBlocks;
    this.#words = new Uint32Array(WORDS * Math.min(64, maxBlocks));
  }

  /** Checkpoints indexed (the last one perhaps still growing). */
  get checkpoints(): number {
    return this.#checkpoints;
  }

  /** Bytes held: at most FILTER_BITS / 8 per block, and at most `maxBlocks` blocks. */
  get bytes(): number {
    return this.#words.byteLength;
  }

  /**
   * The parse reached checkpoint `k` (checkpoints come in order): a checkpoint that opens its
   * block starts it empty, one that joins a block adds to its bits. The caller asks only about
   * checkpoints it has read to the end.
   */
  setCheckpoint(k: number): void {
    while (k >= this.#checkpoints) {
      this.#checkpoints++;
      this.#grow();
    }
    if ((k & ((1 << this.#shift) - 1)) === 0) this.#fillBlock(k >> this.#shift, 0);
  }

  #fillBlock(b: number, value: number): void {
    this.#words.fill(value, b * WORDS, (b + 1) * WORDS);
  }

  /**
   * Notes the trigrams of `lowerText` in checkpoint `k`. The caller lower-cases the whole text
   * with toLowerCase, exactly as the search compares it, so the query's trigrams are the text's.
   */
  add(k: number, lowerText: string): void {
    const words = this.#words;
    const base = (k >> this.#shift) * WORDS;
    let a = lowerText.charCodeAt(0);
    let b = lowerText.charCodeAt(1);
    for (let i = 2; i < lowerText.length; i++) {
      const c = lowerText.charCodeAt(i);
      const bit = bitOf(a, b, c);
      const w = base + (bit >>> 5);
      words[w] = (words[w] as number) | (1 << (bit & 31));
      a = b;
      b = c;
    }
  }

  /** False only when checkpoint `k` surely holds no text with every trigram of the query. */
  mayContain(k: number, bits: readonly number[]): boolean {
    if (k >= this.#checkpoints) return true;
    const words = this.#words;
    const base = (k >> this.#shift) * WORDS;
    for (const bit of bits) if (((words[base + (bit >>> 5)] as number) & (1 << (bit & 31))) === 0) return false;
    return true;
  }

  #grow(): void {
    let blocks = ((this.#checkpoints - 1) >> this.#shift) + 1;
    if (blocks > this.#maxBlocks) {
      // Pairs of blocks become one: OR keeps every bit, so nothing that may match is ruled out.
      const words = this.#words;
      for (let b = 0; b < this.#blocks; b += 2) {
        const to = (b >> 1) * WORDS;
        for (let w = 0; w < WORDS; w++) words[to + w] = (words[b * WORDS + w] as number) | (b + 1 < this.#blocks ? (words[(b + 1) * WORDS + w] as number) : 0);
      }
      this.#shift++;
      blocks = ((this.#checkpoints - 1) >> this.#shift) + 1;
    }
    if (blocks * WORDS > this.#words.length) {
      const grown = new Uint32Array(Math.min(this.#maxBlocks, Math.max(blocks, (this.#words.length / WORDS) * 2)) * WORDS);
      grown.set(this.#words.subarray(0, Math.min(this.#words.length, grown.length)));
      this.#words = grown;
    }
    this.#blocks = blocks;
  }
}
