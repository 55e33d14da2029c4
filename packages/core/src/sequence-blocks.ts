import { InvalidArgumentError } from "./errors.js";
import type { IssueChannel } from "./issues.js";
import type { RunInfo, SequenceRange, Sink } from "./sink.js";

/**
 * The blocks of sequence numbers one worker of a joined run reserves from its sink. The run
 * numbers records from the current block itself (a counter, no I/O); this keeps the next block
 * on its way before the current one runs out, so the logging path never waits for the sink.
 * It also remembers what the worker was given, so the numbers it never used can be stated
 * when it ends.
 */
export class SequenceBlocks {
  /** The size asked for: `sequenceBlockSize` at first, doubled (see `grow`) when blocks ran out before the next arrived. */
  blockSize: number;
  readonly #maxBlockSize: number;
  readonly #sink: Sink;
  readonly #run: RunInfo;
  readonly #issues: IssueChannel;
  /** Called when a block fetched ahead arrives; the run sets it to number the events waiting. */
  onArrive: () => void = () => undefined;
  #ahead: SequenceRange | null = null;
  #fetching: Promise<void> | null = null;
  #failures = 0;
  #retry: NodeJS.Timeout | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(sink: Sink, run: RunInfo, blockSize: number, issues: IssueChannel) {
    this.#sink = sink;
    this.#run = run;
    this.blockSize = blockSize;
    this.#maxBlockSize = blockSize * MAX_GROWTH;
    this.#issues = issues;
  }

  /**
   * Events had to wait: the sink answers slower than this worker uses a block. Larger blocks
   * keep the next one coming in time (at most MAX_GROWTH times the configured size, so a
   * worker that ends leaves at most that many numbers unused).
   */
  grow(): void {
    this.blockSize = Math.min(this.#maxBlockSize, this.blockSize * 2);
  }

  /** A block fetched ahead is here, not yet taken. */
  get hasAhead(): boolean {
    return this.#ahead !== null;
  }

  /** A block is waiting, or on its way. */
  get pending(): boolean {
    return this.#ahead !== null || this.#fetching !== null || this.#immediate !== null;
  }

  /** The first block, before the run starts (awaiting is fine there). */
  async first(): Promise<SequenceRange> {
    const reserve = this.#sink.reserveSequenceNumbers?.bind(this.#sink);
    if (reserve === undefined) throw new InvalidArgumentError("sink", this.#sink, "cannot join a run shared by several workers: it has no reserveSequenceNumbers()");
    return checkRange(await reserve(this.#run, this.blockSize), this.#maxBlockSize);
  }

  /** Starts reserving the next block, unless one is waiting or on its way. Never throws. */
  fetchAhead(): void {
    if (this.#ahead !== null || this.#fetching !== null || this.#immediate !== null || this.#closed || this.#retry !== null) return;
    if (this.#sink.reserveSequenceNumbersSync !== undefined) {
      // A sync-capable sink (one machine, a short file lock) reserves on the next turn of the
      // event loop, off the caller's path. Blocks must be used in the order they were reserved
      // (a crashed worker's records are then a prefix of its reservations), so a reservation is
      // never left running while `reserveSync` takes a later block: see `reserveSync`.
      this.#immediate = setImmediate(() => {
        this.#immediate = null;
        if (this.#ahead === null && !this.#closed) this.#ahead = this.reserveSync() ?? null;
        this.onArrive();
      });
      this.#immediate.unref();
      return;
    }
    this.#fetching = (async () => {
      try {
        const range = checkRange(await this.#sink.reserveSequenceNumbers?.(this.#run, this.blockSize), this.#maxBlockSize);
        this.#ahead = range;
        this.#failures = 0;
      } catch (error) {
        this.#failures++;
        this.#issues.report("sink", "reserveSequenceNumbers", error);
      } finally {
        this.#fetching = null;
      }
      if (this.#ahead === null && !this.#closed) {
        // Retried with backoff: a joined run cannot number records without its sink.
        this.#retry = setTimeout(() => {
          this.#retry = null;
          this.fetchAhead();
        }, Math.min(5000, 50 * 2 ** Math.min(this.#failures, 7)));
        this.#retry.unref();
        return;
      }
      this.onArrive();
    })();
  }

  /** The block fetched ahead, handed over once. */
  takeAhead(): SequenceRange | undefined {
    const ahead = this.#ahead;
    this.#ahead = null;
    return ahead ?? undefined;
  }

  /** A block reserved synchronously, when the sink can (exit paths; a block that ran out early). */
  reserveSync(): SequenceRange | undefined {
    if (this.#sink.reserveSequenceNumbersSync === undefined || this.#fetching !== null) return undefined;
    if (this.#immediate !== null) {
      clearImmediate(this.#immediate);
      this.#immediate = null;
    }
    try {
      return checkRange(this.#sink.reserveSequenceNumbersSync(this.#run, this.blockSize), this.#maxBlockSize);
    } catch (error) {
      this.#issues.report("sink", "reserveSequenceNumbersSync", error);
      return undefined;
    }
  }

  /** The run's end: waits for the reservation on its way, starting one (at once, even after a failure) if none is. */
  async settle(): Promise<void> {
    if (this.#retry !== null) {
      clearTimeout(this.#retry);
      this.#retry = null;
    }
    this.fetchAhead();
    await this.#fetching;
  }

  /** The very end: nothing more is reserved (a planned reservation is dropped); one on its way is awaited, so its block is known and stated unused. */
  async quiesce(): Promise<void> {
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#immediate = null;
    this.#closed = true;
    await this.#fetching;
  }

  /** No more reservations: the run ended. */
  close(): void {
    this.#closed = true;
    if (this.#retry !== null) clearTimeout(this.#retry);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#immediate = null;
    this.#retry = null;
  }
}

/** How much larger than `sequenceBlockSize` blocks may grow. */
const MAX_GROWTH = 16;

function checkRange(range: SequenceRange | undefined, count: number): SequenceRange {
  if (
    range === undefined ||
    !Number.isSafeInteger(range.first) ||
    range.first < 0 ||
    !Number.isSafeInteger(range.count) ||
    range.count < 1 ||
    range.count > count
  ) {
    throw new InvalidArgumentError("sink.reserveSequenceNumbers() result", range, `must be { first, count } with 1 <= count <= ${count}`);
  }
  return range;
}
