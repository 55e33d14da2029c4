import type { ExperimentStore } from "../experiment-store.js";
import { RunIndex } from "./run-index.js";

/** Indexes kept at most; a closed browser tab's run is dropped first. */
const MAX_RUNS = 8;
/** A request within this long of the last read answers from the index as it is (live pages ask often). */
const FRESH_MS = 200;

interface Entry {
  readonly index: RunIndex;
  ready: Promise<unknown>;
  updatedAt: number;
  usedAt: number;
  /** Live feeds open on it: such a run is never dropped. */
  watchers: number;
}

/** The RunIndex of each experiment being looked at, least recently used dropped beyond MAX_RUNS. */
export class RunCache {
  readonly #store: ExperimentStore;
  readonly #entries = new Map<string, Entry>();

  constructor(store: ExperimentStore) {
    this.#store = store;
  }

  /**
   * The index of `prefix`, read up to now (at most FRESH_MS old). A run some live feed watches is
   * refreshed by that feed's own reads (`force`: read now, the store said something changed), not
   * by each page request: twenty pages paging through a million rows would otherwise each wait
   * for a pass over every stream.
   */
  async get(prefix: string, options: { readonly force?: boolean } = {}): Promise<RunIndex> {
    let entry = this.#entries.get(prefix);
    if (entry === undefined) {
      const index = new RunIndex(this.#store, prefix);
      entry = { index, ready: index.refresh(), updatedAt: Date.now(), usedAt: Date.now(), watchers: 0 };
      this.#entries.set(prefix, entry);
      this.#evict();
    } else if (options.force === true || (entry.watchers === 0 && Date.now() - entry.updatedAt > FRESH_MS)) {
      entry.ready = entry.index.refresh();
      entry.updatedAt = Date.now();
    }
    entry.usedAt = Date.now();
    try {
      await entry.ready;
    } catch (error) {
      this.#entries.delete(prefix);
      throw error;
    }
    return entry.index;
  }

  /** The index when it is already kept, for listings that must not open every run. */
  peek(prefix: string): RunIndex | undefined {
    return this.#entries.get(prefix)?.index;
  }

  watch(prefix: string, delta: 1 | -1): void {
    const entry = this.#entries.get(prefix);
    if (entry !== undefined) entry.watchers += delta;
  }

  #evict(): void {
    if (this.#entries.size <= MAX_RUNS) return;
    const idle = [...this.#entries].filter(([, e]) => e.watchers === 0).sort(([, a], [, b]) => a.usedAt - b.usedAt);
    for (const [prefix] of idle.slice(0, this.#entries.size - MAX_RUNS)) this.#entries.delete(prefix);
  }
}
