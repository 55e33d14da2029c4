import { isPlainObject } from "@dashlog/core";
import type { z } from "zod";
import { parseLenientJson } from "./lenient-json.js";
import { linesFromEnd } from "./lines-from-end.js";
import { isMissingFile } from "./missing-file.js";

/**
 * The highest `sequenceNumber` (or another numbering `field`, such as a metric's `index`) at the end of a stream file: read backwards up to and including
 * the last line that passes `strict`, taking every number seen on the way, whether or not its
 * line passes. So lines another writer appended in a shape dashlog would not write (ml-dash's
 * without `metadata`) still count, and a new run never reuses their numbers; a torn or garbage
 * tail is skipped. -1 when there is no number (or no file).
 */
export async function highestSequenceNumber(path: string, strict: z.ZodType, field = "sequenceNumber"): Promise<number> {
  let highest = -1;
  try {
    for await (const line of linesFromEnd(path)) {
      if (line.text.trim() === "") continue;
      let value: unknown;
      try {
        value = parseLenientJson(line.text);
      } catch {
        continue;
      }
      if (!isPlainObject(value)) continue;
      const seq = value[field];
      if (typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0) highest = Math.max(highest, seq);
      if (strict.safeParse(value).success) break;
    }
  } catch (error) {
    if (isMissingFile(error)) return -1;
    throw error;
  }
  return highest;
}
