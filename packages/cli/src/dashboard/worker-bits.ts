/** Workers with a bit of their own in a mask; the rest share OTHER_WORKERS. */
const WORKER_BITS = 30;
const OTHER_WORKERS = 2 ** WORKER_BITS;
/** The mask of a block placed but not read yet: it may hold any worker. */
export const ANY_WORKER = 2 ** (WORKER_BITS + 1) - 1;

/**
 * A bit per worker of a joined run, for a mask per block of records: the first WORKER_BITS
 * workers seen get one each, later ones share one (a filter on those reads every block any of
 * them is in). Masks stay under 2^31, where `|` and `&` are exact.
 */
export class WorkerBits {
  readonly #bits = new Map<string, number>();

  /** The bit of `worker`, given on first sight. */
  bitOf(worker: string): number {
    let bit = this.#bits.get(worker);
    if (bit === undefined) {
      bit = this.#bits.size < WORKER_BITS ? 2 ** this.#bits.size : OTHER_WORKERS;
      this.#bits.set(worker, bit);
    }
    return bit;
  }

  /** The bits a filter on `workers` looks for. A worker not seen yet gets the shared bit, which every block not read yet has. */
  maskOf(workers: readonly string[]): number {
    let mask = 0;
    for (const worker of workers) mask |= this.#bits.get(worker) ?? OTHER_WORKERS;
    return mask;
  }
}

/** Whether two masks share a bit. */
export function overlaps(a: number, b: number): boolean {
  return (a & b) !== 0;
}
