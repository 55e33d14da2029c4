import type { Event } from "./event.js";
import type { IssueChannel } from "./issues.js";
import type { SequenceBlocks } from "./sequence-blocks.js";
import type { SequenceRange } from "./sink.js";

/**
 * The run's sequence counter, as the numbering sees it. The run keeps the two numbers as its
 * own fields, because its logging path reads them on every call; this view lets the numbering
 * move them.
 */
export interface NumberCounter {
  /** The next sequence number the run gives. */
  next: number;
  /** The run asks `ready()` once `next` reaches this (Infinity for a run of its own). */
  checkAt: number;
}

export interface JoinedNumberingParts {
  readonly counter: NumberCounter;
  readonly blocks: SequenceBlocks;
  /** The block reserved when the worker joined; the counter starts at its first number. */
  readonly first: SequenceRange;
  /** At most this many events wait for numbers; more are dropped, counted and reported. */
  readonly maxWaiting: number;
  readonly endTimeoutMs: number;
  readonly issues: IssueChannel;
  /** Hands a numbered event to the run's consumers. */
  readonly emit: (event: Event) => void;
  /** False once the run ended (waiting events are then numbered by `settle`, not on a timer). */
  readonly running: () => boolean;
}

/** An event of a joined run held until its worker's next block of numbers arrives: all of it but the number. */
export type WaitingEvent = Omit<Event, "sequenceNumber">;

/** Waiting events numbered per turn of the event loop once their block arrives. */
const WAITING_CHUNK = 1000;

/**
 * How one worker of a joined run numbers its events: from blocks of sequence numbers reserved
 * from the sink (`SequenceBlocks`), the next one fetched once half of the current one is used.
 * When a block runs out before the next arrives, events wait in order and are numbered when it
 * comes; at the end, the numbers reserved and never used are listed for the run's record.
 */
export class JoinedNumbering {
  readonly #counter: NumberCounter;
  readonly #blocks: SequenceBlocks;
  readonly #maxWaiting: number;
  readonly #endTimeoutMs: number;
  readonly #issues: IssueChannel;
  readonly #emit: (event: Event) => void;
  readonly #running: () => boolean;
  /** One past the current block. */
  #blockEnd: number;
  /** How many numbers the current block holds: the next one is fetched when half are used. */
  #blockCount: number;
  #waiting: WaitingEvent[] = [];
  /** Events dropped because too many waited for numbers, or the sink never gave any. */
  #droppedWaiting = 0;
  #numbering: NodeJS.Immediate | null = null;

  constructor(parts: JoinedNumberingParts) {
    this.#counter = parts.counter;
    this.#blocks = parts.blocks;
    this.#maxWaiting = parts.maxWaiting;
    this.#endTimeoutMs = parts.endTimeoutMs;
    this.#issues = parts.issues;
    this.#emit = parts.emit;
    this.#running = parts.running;
    this.#blockEnd = parts.first.first + parts.first.count;
    this.#blockCount = parts.first.count;
    parts.blocks.onArrive = () => this.#blockArrived();
    this.#counter.checkAt = this.#prefetchPoint();
  }

  /** Events dropped because too many waited for numbers, or the sink never gave any. */
  get dropped(): number {
    return this.#droppedWaiting;
  }

  /**
   * Called when the counter's `next` reached `checkAt`: moves to the block fetched ahead when the
   * current one is used up, and starts fetching the next one once half of it is used. When the
   * block ran out before the next arrived, a sink that can reserve synchronously does so inline
   * (a short lock on one machine); otherwise false: the event waits (see `wait`).
   */
  ready(): boolean {
    const blocks = this.#blocks;
    if (this.#waiting.length > 0) return false;
    if (this.#counter.next >= this.#blockEnd) {
      const block = blocks.takeAhead() ?? blocks.reserveSync();
      if (block === undefined) {
        blocks.grow();
        blocks.fetchAhead();
        this.#counter.checkAt = Number.NEGATIVE_INFINITY;
        return false;
      }
      this.#useBlock(block);
    }
    if (this.#counter.next >= this.#blockEnd - Math.ceil(this.#blockCount / 2)) blocks.fetchAhead();
    this.#counter.checkAt = this.#prefetchPoint();
    return true;
  }

  #prefetchPoint(): number {
    return this.#blocks.pending ? this.#blockEnd : Math.max(this.#counter.next, this.#blockEnd - Math.ceil(this.#blockCount / 2));
  }

  #useBlock(block: SequenceRange): void {
    this.#counter.next = block.first;
    this.#blockEnd = block.first + block.count;
    this.#blockCount = block.count;
  }

  /**
   * A joined run's block ran out before the next one arrived, and the sink cannot reserve
   * synchronously (MongoDB): the event keeps its timestamp and waits, in order, until numbers
   * arrive (`numberWaiting`); the caller gets it with sequenceNumber -1. Bounded: past
   * `maxQueueLength` waiting events, new ones are dropped, counted and reported.
   */
  wait(waiting: WaitingEvent): Event {
    if (this.#waiting.length >= this.#maxWaiting) {
      this.#droppedWaiting++;
      if (this.#droppedWaiting === 1 || this.#droppedWaiting % 10_000 === 0) {
        this.#issues.report("sink", "reserveSequenceNumbers", new Error(`no sequence numbers from the sink and ${this.#maxWaiting} events already wait for them: ${this.#droppedWaiting} event(s) dropped so far`));
      }
    } else {
      this.#waiting.push(waiting);
    }
    this.#counter.checkAt = Number.NEGATIVE_INFINITY;
    return { ...waiting, sequenceNumber: -1 };
  }

  /** Numbers the waiting events from the blocks at hand, in order; called when a block arrives. */
  numberWaiting(sync: boolean, limit = Number.POSITIVE_INFINITY): void {
    const blocks = this.#blocks;
    let i = 0;
    const waiting = this.#waiting;
    while (i < waiting.length && i < limit) {
      if (this.#counter.next >= this.#blockEnd) {
        const block = blocks.takeAhead() ?? (sync ? blocks.reserveSync() : undefined);
        if (block === undefined) break;
        this.#useBlock(block);
      }
      const w = waiting[i++] as WaitingEvent;
      this.#emit({ ...w, sequenceNumber: this.#counter.next++ });
    }
    this.#waiting = i === waiting.length ? [] : waiting.slice(i);
    if (this.#waiting.length > 0) {
      this.#counter.checkAt = Number.NEGATIVE_INFINITY;
      // Stopped at the chunk's end with numbers left: the next chunk follows (#numberWaitingSoon).
      if (i >= limit && (this.#counter.next < this.#blockEnd || blocks.hasAhead)) return;
      // The block was used up before the next arrived again: ask for larger ones. (Also when it
      // ran out exactly at a chunk's end: nothing else would fetch the next block.)
      blocks.grow();
      if (!sync) blocks.fetchAhead();
      return;
    }
    if (this.#counter.next >= this.#blockEnd - Math.ceil(this.#blockCount / 2)) blocks.fetchAhead();
    this.#counter.checkAt = this.#counter.next >= this.#blockEnd ? this.#counter.next : this.#prefetchPoint();
  }

  /**
   * Numbers waiting events WAITING_CHUNK at a time, one turn of the event loop apart: tens of
   * thousands numbered at once would land in the batch queue in one go, past `maxQueueLength`
   * while a write is in flight, and be dropped; a turn apart, the queue drains in between.
   */
  #numberWaitingSoon(): void {
    if (this.#numbering !== null) return;
    this.#numbering = setImmediate(() => {
      this.#numbering = null;
      if (this.#waiting.length === 0 || !this.#running()) return;
      this.numberWaiting(false, WAITING_CHUNK);
      if (this.#waiting.length > 0 && (this.#counter.next < this.#blockEnd || this.#blocks.hasAhead)) this.#numberWaitingSoon();
    });
  }

  /** Called by the run's SequenceBlocks when a block arrives. */
  #blockArrived(): void {
    if (this.#waiting.length > 0 && this.#running()) this.#numberWaitingSoon();
    else if (this.#waiting.length === 0) this.#counter.checkAt = this.#counter.next >= this.#blockEnd ? this.#counter.next : this.#prefetchPoint();
  }

  /** The end of a joined run: number what waits (fetching blocks if need be), then say which reserved numbers were never used. */
  async settle(): Promise<SequenceRange[]> {
    const blocks = this.#blocks;
    // As long as the sink keeps giving blocks, every waiting event gets its number, however slow
    // it is (a busy server): only a sink that gives none for `endTimeoutMs` leaves some
    // unnumbered (then dropped, counted, reported).
    let deadline = Date.now() + this.#endTimeoutMs;
    while (this.#waiting.length > 0 && Date.now() < deadline) {
      const before = this.#waiting.length;
      await blocks.settle();
      // A chunk a turn, so the batch queue drains in between (see #numberWaitingSoon).
      while (this.#waiting.length > 0 && (this.#counter.next < this.#blockEnd || blocks.hasAhead)) {
        this.numberWaiting(true, WAITING_CHUNK);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (this.#waiting.length < before) deadline = Date.now() + this.#endTimeoutMs;
      else await new Promise((resolve) => setTimeout(resolve, Math.min(100, Math.max(0, deadline - Date.now()))));
    }
    await blocks.quiesce();
    this.dropUnnumbered();
    blocks.close();
    return this.unused();
  }

  /** Events still waiting when no more numbers will come (the run's end, process exit): dropped, counted, reported. */
  dropUnnumbered(): void {
    if (this.#waiting.length === 0) return;
    this.#droppedWaiting += this.#waiting.length;
    this.#issues.report("sink", "reserveSequenceNumbers", new Error(`${this.#waiting.length} event(s) never got sequence numbers from the sink and were dropped`));
    this.#waiting = [];
  }

  /** The numbers this worker reserved and will never use: the rest of its block, and a block fetched ahead. */
  unused(): SequenceRange[] {
    const unused: SequenceRange[] = [];
    if (this.#counter.next < this.#blockEnd && Number.isFinite(this.#blockEnd)) unused.push({ first: this.#counter.next, count: this.#blockEnd - this.#counter.next });
    const ahead = this.#blocks.takeAhead();
    if (ahead !== undefined) unused.push(ahead);
    return unused;
  }
}
