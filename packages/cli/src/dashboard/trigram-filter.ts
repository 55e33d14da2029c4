/** Bits per block: 512 bytes for a checkpoint of 256 records, 2 bytes a record. */
export const FILTER_BITS = 4096;
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
 * One bit set per trigram of the text of each block of records (a checkpoint of the log
 * index), in a fixed FILTER_BITS per block: a text search skips every block missing a bit
 * of the query's trigrams without reading it. A set bit may be another trigram's (a false
 * positive costs one read of the block); an unset bit is certain, so no match is ever
 * skipped. A block not yet indexed matches everything.
 */
export class TrigramFilter {
  #words = new Uint32Array(WORDS * 64);
  #blocks = 0;

  get blocks(): number {
    return this.#blocks;
  }

  /** Bytes held: FILTER_BITS / 8 per block, grown by doubling. */
  get bytes(): number {
    return this.#words.byteLength;
  }

  /** Adds block `block` (the next one, or one placed earlier), unknown (`matchesAll`) or empty. */
  setBlock(block: number, matchesAll: boolean): void {
    while (block >= this.#blocks) {
      this.#ensure(this.#blocks + 1);
      this.#words.fill(0xffffffff, this.#blocks * WORDS, (this.#blocks + 1) * WORDS);
      this.#blocks++;
    }
    this.#words.fill(matchesAll ? 0xffffffff : 0, block * WORDS, (block + 1) * WORDS);
  }

  /**
   * Notes the trigrams of `lowerText` in `block`. The caller lower-cases the whole text with
   * toLowerCase, exactly as the search compares it, so the query's trigrams are the text's.
   */
  add(block: number, lowerText: string): void {
    const words = this.#words;
    const base = block * WORDS;
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

  /** False only when `block` surely holds no text with every trigram of the query. */
  mayContain(block: number, bits: readonly number[]): boolean {
    if (block >= this.#blocks) return true;
    const words = this.#words;
    const base = block * WORDS;
    for (const bit of bits) if (((words[base + (bit >>> 5)] as number) & (1 << (bit & 31))) === 0) return false;
    return true;
  }

  #ensure(blocks: number): void {
    if (blocks * WORDS <= this.#words.length) return;
    const grown = new Uint32Array(Math.max(blocks * WORDS, this.#words.length * 2));
    grown.set(this.#words);
    this.#words = grown;
  }
}
