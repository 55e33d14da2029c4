import { LOGS_STREAM, type MetricPoint, type StoredRecord } from "@dashlog/core";
import type { Document } from "mongodb";
import { fromDocument, toDocument } from "./record-document.js";

/**
 * Metric points and parameter changes as MongoDB documents. They reuse the record
 * conversion (escaped keys, the 16 MiB check, the ISO time as a BSON date), so what can be
 * logged as metadata can be logged as a metric point.
 */

/**
 * `{ experiment, metric, index, createdAt: Date, data }`, plus `worker` for a point of a joined
 * run (whose `index` counts that worker's points); unique on (experiment, metric, index, worker),
 * a run of its own's points having no worker.
 */
export function toMetricDocument(experiment: string, metric: string, record: StoredRecord, worker?: string): Document {
  // `timestamp` is the one field the conversion stores as a BSON date.
  const converted = toDocument(experiment, LOGS_STREAM, { sequenceNumber: record.sequenceNumber, timestamp: record["createdAt"], data: record["data"] } as StoredRecord);
  const document: Document = { experiment, metric, index: record.sequenceNumber, createdAt: converted["timestamp"], data: converted["data"] };
  if (worker !== undefined) document["worker"] = worker;
  return document;
}

/** `{ experiment, index, updatedAt: Date, data }`, unique on (experiment, index); `data` holds the dotted keys escaped. */
export function toParamsDocument(experiment: string, record: StoredRecord): Document {
  const converted = toDocument(experiment, LOGS_STREAM, { sequenceNumber: record.sequenceNumber, timestamp: record["updatedAt"], data: record["data"] } as StoredRecord);
  return { experiment, index: record.sequenceNumber, updatedAt: converted["timestamp"], data: converted["data"] };
}

/** A metric document as the reader returns it; undefined for a document of the wrong shape. */
export function fromMetricDocument(document: Document): MetricPoint | undefined {
  const record = fromDocument({ index: document["index"], createdAt: document["createdAt"], data: document["data"] }, LOGS_STREAM);
  const { index, createdAt, data } = record;
  if (typeof index !== "number" || typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const point = { index, data: data as MetricPoint["data"], createdAt: typeof createdAt === "string" ? createdAt : null };
  const worker = document["worker"];
  return typeof worker === "string" ? { ...point, worker } : point;
}

/** A parameter change's `data` (dotted keys) and time, read back. */
export function fromParamsDocument(document: Document): { readonly index: number; readonly data: Record<string, unknown>; readonly updatedAt: string | null } | undefined {
  const record = fromDocument({ index: document["index"], updatedAt: document["updatedAt"], data: document["data"] }, LOGS_STREAM);
  const { index, updatedAt, data } = record;
  if (typeof index !== "number" || typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  return { index, data: data as Record<string, unknown>, updatedAt: typeof updatedAt === "string" ? updatedAt : null };
}
