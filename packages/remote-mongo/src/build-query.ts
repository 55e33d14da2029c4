import { LEVELS, LOGS_STREAM, isAtLeast, type RecordFilter } from "@dashlog/core";
import type { Document } from "mongodb";

/**
 * The MongoDB query for a compiled filter: equality on experiment (and stream), ranges on
 * sequenceNumber and timestamp, `$in` on level; each served by an index of index-specs.ts.
 */
export function buildQuery(experiment: string, filter: RecordFilter): Document {
  const query: Document = { experiment };
  if (filter.stream !== LOGS_STREAM) query["stream"] = filter.stream;
  const seq: Document = {};
  if (filter.fromSequence !== undefined) seq["$gte"] = filter.fromSequence;
  if (filter.toSequence !== undefined) seq["$lte"] = filter.toSequence;
  if (Object.keys(seq).length > 0) query["sequenceNumber"] = seq;
  if (filter.worker !== undefined) query["worker"] = filter.worker;
  if (filter.minLevel !== undefined || filter.levels !== undefined) {
    query["level"] = {
      $in: LEVELS.filter(
        (level) => (filter.minLevel === undefined || isAtLeast(level, filter.minLevel)) && (filter.levels === undefined || filter.levels.has(level)),
      ),
    };
  }
  if (filter.since !== undefined || filter.until !== undefined) {
    const dates: Document = {};
    const millis: Document = {};
    if (filter.since !== undefined) {
      dates["$gte"] = new Date(filter.since);
      millis["$gte"] = filter.since;
    }
    if (filter.until !== undefined) {
      dates["$lte"] = new Date(filter.until);
      millis["$lte"] = filter.until;
    }
    // Log records always hold a date; other streams may carry epoch milliseconds.
    if (filter.stream === LOGS_STREAM) query["timestamp"] = dates;
    else query["$or"] = [{ timestamp: dates }, { timestamp: millis }];
  }
  return query;
}

/** The same query, continued after `afterSequence` (keyset paging: no cursor has to survive between pages). */
export function after(query: Document, afterSequence: number): Document {
  const seq = { ...((query["sequenceNumber"] as Document | undefined) ?? {}) };
  const from = seq["$gte"] as number | undefined;
  if (from === undefined || from <= afterSequence) {
    delete seq["$gte"];
    seq["$gt"] = afterSequence;
  }
  return { ...query, sequenceNumber: seq };
}
