import { LOGS_STREAM, type ParamsRecord, type StoredRecord } from "@dashlog/core";
import type { Document } from "mongodb";
import { escapeKey } from "./escape-keys.js";
import { toDocument } from "./record-document.js";

/**
 * The parameters of a joined run: every worker may `params.set`, so they cannot be numbered
 * changes (each worker counts its own). They go into one document per experiment,
 * `{ experiment, joined: true, data, workers, createdAt, updatedAt }` (no `index`), with one
 * atomic update per batch: `$set` of `data.<key>` for each key set (keys escaped, so a dotted
 * parameter name is one field, not a path), so two workers' updates never drop each other's
 * keys. Idempotent, so a retried or replayed batch changes nothing: `workers.<worker>` is `$max`
 * of how many changes that worker made (their sum is the snapshot's `version`), and times are
 * `$min`/`$max`. Per key, the last update MongoDB applies wins.
 */
export function joinedParamsUpdate(experiment: string, worker: string, records: readonly StoredRecord[]): { filter: Document; update: Document } | undefined {
  const last = records.at(-1) as ParamsRecord | undefined;
  if (last === undefined) return undefined;
  const set: Document = {};
  let first: unknown;
  let latest: unknown;
  for (const record of records as readonly ParamsRecord[]) {
    // The record conversion escapes keys (at every depth), checks sizes and makes `timestamp` a BSON date.
    const converted = toDocument(experiment, LOGS_STREAM, { sequenceNumber: record.sequenceNumber, timestamp: record.updatedAt, data: record.data } as StoredRecord);
    const data = converted["data"] as Document;
    for (const key of Object.keys(data)) set[`data.${key}`] = data[key];
    first ??= converted["timestamp"];
    latest = converted["timestamp"];
  }
  return {
    filter: joinedParamsFilter(experiment),
    update: {
      $set: set,
      $max: { [`workers.${escapeKey(worker)}`]: last.sequenceNumber + 1, updatedAt: latest },
      $min: { createdAt: first },
    },
  };
}

/** The joined parameters document of an experiment. */
export function joinedParamsFilter(experiment: string): Document {
  return { experiment, joined: true };
}
