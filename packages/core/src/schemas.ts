import { z } from "zod";
import { isPlainObject, type JsonObject } from "./json.js";
import { LEVELS } from "./level.js";

// These read stored data back (a file, a collection); the logging path never runs them.

export const levelSchema = z.enum(LEVELS);

export const sequenceNumberSchema = z.number().int().nonnegative();

/** Parsed JSON is already JSON: only its shape needs checking, and `__proto__` keys stay intact. */
const metadataSchema = z.custom<JsonObject | null>((v) => v === null || isPlainObject(v), {
  message: "metadata must be a JSON object or null",
});

/** A line of `logs.jsonl`: exactly the seed's five fields. */
export const logRecordSchema = z.strictObject({
  timestamp: z.iso.datetime({ offset: false }),
  level: levelSchema,
  message: z.string(),
  metadata: metadataSchema,
  sequenceNumber: sequenceNumberSchema,
  /** Only in a run joined by several processes. */
  worker: z.string().min(1).optional(),
});

/** Any stream's stored record: its fields plus `sequenceNumber`. */
export const storedRecordSchema = z.looseObject({ sequenceNumber: sequenceNumberSchema });

export const runStatusSchema = z.enum(["RUNNING", "COMPLETED", "FAILED"]);

/** One status change of a run, as sinks store it (e.g. a line of `runs.jsonl`). */
export const runRecordSchema = z.strictObject({
  runId: z.string().min(1),
  status: runStatusSchema,
  startedAt: z.iso.datetime({ offset: false }),
  endedAt: z.iso.datetime({ offset: false }).optional(),
  firstSequenceNumber: sequenceNumberSchema,
  nextSequenceNumber: sequenceNumberSchema.optional(),
  pid: z.number().int().optional(),
  hostname: z.string().optional(),
  error: z.strictObject({ name: z.string(), message: z.string() }).optional(),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
