import type { ExperimentStore } from "../experiment-store.js";

/** How long a count of a store that can only count everything again (MongoDB's countDocuments) is reused. */
const RECOUNT_MS = 30_000;

interface Counted {
  /** Where the count stopped (a byte offset in the logs file); NaN for a store that recounts. */
  end: number;
  records: number;
  at: number;
  counting: Promise<number> | undefined;
}

/**
 * The log record counts of the home page's listing. For local files each count goes on from
 * where the last one stopped, so a listing asked for every few seconds reads only what was
 * appended since (a full newline scan of a million-record run took 0.2 s idle, seconds under
 * load, for every experiment, every 30 s). Other stores are counted again at most every
 * RECOUNT_MS. Memory: a few numbers per experiment.
 */
export class ListingCounts {
  readonly #store: ExperimentStore;
  readonly #counted = new Map<string, Counted>();

  constructor(store: ExperimentStore) {
    this.#store = store;
  }

  /** Log records of `prefix` (0 when it has no logs stream). Concurrent calls share one count. */
  records(prefix: string): Promise<number> {
    let counted = this.#counted.get(prefix);
    if (counted === undefined) this.#counted.set(prefix, (counted = { end: 0, records: 0, at: Number.NEGATIVE_INFINITY, counting: undefined }));
    const c = counted;
    c.counting ??= this.#count(prefix, c).finally(() => {
      c.counting = undefined;
    });
    return c.counting;
  }

  async #count(prefix: string, c: Counted): Promise<number> {
    const starts = this.#store.positioned?.recordStarts;
    if (starts !== undefined) {
      // Positions are wanted only to count: one "every" no record number reaches but the first.
      const found = await starts.call(this.#store.positioned, prefix, "logs", c.end, c.records, Number.MAX_SAFE_INTEGER);
      c.records += found.records;
      c.end = found.end;
      return c.records;
    }
    if (Date.now() - c.at < RECOUNT_MS) return c.records;
    c.records = (await this.#store.listStreams(prefix)).includes("logs") ? await this.#store.countRecords(prefix, "logs") : 0;
    c.at = Date.now();
    return c.records;
  }
}
