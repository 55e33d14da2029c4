import { isPlainObject, levelSchema, sequenceNumberSchema, type JsonObject } from "@dashlog/core";
import { z } from "zod";

/**
 * A line of `logs.jsonl` as either writer leaves it: dashlog's five fields, or ml-dash's,
 * which leaves `metadata` out when there is none, puts `sequenceNumber` first and writes
 * microsecond or whole-second `Z` timestamps. The output is the seed's record (field order
 * `timestamp, level, message, metadata, sequenceNumber`, `metadata: null` when absent), so
 * every reader, `tail` and `export` show one shape whoever wrote the line. Writing stays
 * strict: the sink only ever writes the seed's format.
 */
export const lenientLogRecordSchema = z.strictObject({
  timestamp: z.iso.datetime({ offset: false }),
  level: levelSchema,
  message: z.string(),
  metadata: z
    .custom<JsonObject | null | undefined>((v) => v === undefined || v === null || isPlainObject(v), {
      message: "metadata must be a JSON object or null",
    })
    .optional()
    .transform((v): JsonObject | null => v ?? null),
  sequenceNumber: sequenceNumberSchema,
  /** Only in a run joined by several processes: the worker that wrote the line. */
  worker: z.string().min(1).optional(),
});
