import { InvalidArgumentError } from "@dashlog/core";

/** A record of any stream: every stored record carries the `sequenceNumber` of its event. */
export interface SequencedRecord {
  readonly sequenceNumber: number;
}

/** A sparse stream's latest record at one event, as `fillGaps` yields it. */
export type FilledRecord<T extends SequencedRecord> = Omit<T, "sequenceNumber"> & {
  /** The event this row stands for. */
  readonly sequenceNumber: number;
  /** The event at which the value was sampled (equal to `sequenceNumber` on a sample itself). */
  readonly sampledAt: number;
};

function sequenceOf(record: SequencedRecord, field: string): number {
  const n = (record as { sequenceNumber?: unknown } | null)?.sequenceNumber;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new InvalidArgumentError(`${field}.sequenceNumber`, n, "must be a finite number");
  return n;
}

/**
 * The value of a sparse stream (a sampled gauge) at any event: its latest record at or
 * before that `sequenceNumber`, or undefined before the first sample. Records may come in
 * any order; they are sorted once, and each lookup is a binary search.
 *
 * ```ts
 * const memoryAt = gaugeAt(memoryRecords);
 * for (const log of logRecords) console.log(log.message, memoryAt(log.sequenceNumber)?.rss);
 * ```
 */
export function gaugeAt<T extends SequencedRecord>(records: Iterable<T>): (sequenceNumber: number) => T | undefined {
  const sorted: T[] = [];
  let index = 0;
  for (const record of records) {
    sequenceOf(record, `records[${index++}]`);
    sorted.push(record);
  }
  sorted.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  return (sequenceNumber) => {
    // The last record whose sequenceNumber is <= the one asked for.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as T).sequenceNumber <= sequenceNumber) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : sorted[lo - 1];
  };
}

/**
 * Turns a sparse stream into a dense one: for each of `sequenceNumbers` (ascending, e.g. those
 * of the `logs` stream, which has one record per event), the stream's latest record at or
 * before it, renumbered to that event, with `sampledAt` saying where the value came from.
 * Events before the first sample get nothing. Both inputs are read once, in step, so it
 * streams; records must be in ascending `sequenceNumber` order, as every reader returns them.
 */
export function* fillGaps<T extends SequencedRecord>(records: Iterable<T>, sequenceNumbers: Iterable<number>): Generator<FilledRecord<T>> {
  const source = records[Symbol.iterator]();
  let index = 0;
  let latest: T | undefined;
  let next = source.next();
  let previousSequence = Number.NEGATIVE_INFINITY;
  for (const sequenceNumber of sequenceNumbers) {
    while (next.done !== true && sequenceOf(next.value, `records[${index}]`) <= sequenceNumber) {
      if (next.value.sequenceNumber < previousSequence) {
        throw new InvalidArgumentError(`records[${index}].sequenceNumber`, next.value.sequenceNumber, "must not be below the one before it");
      }
      previousSequence = next.value.sequenceNumber;
      latest = next.value;
      index++;
      next = source.next();
    }
    if (latest !== undefined) yield { ...latest, sequenceNumber, sampledAt: latest.sequenceNumber };
  }
}
