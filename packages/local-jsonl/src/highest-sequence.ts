import { isPlainObject } from "@dashlog/core";
import type { z } from "zod";
import { parseLenientJson } from "./lenient-json.js";
import { linesFromEnd } from "./lines-from-end.js";
import { isMissingFile } from "./missing-file.js";

/** How far back from the end the highest number is looked for, at least. */
export const TAIL_WINDOW_BYTES = 1024 * 1024;

/**
 * The highest `sequenceNumber` (or another numbering `field`, such as a metric's `index`) at
 * the end of a stream file: read backwards over the last `windowBytes` and on to the last line
 * that passes `strict`, taking every number seen on the way, whether or not its line passes.
 * So lines another writer appended in a shape dashlog would not write (ml-dash's without
 * `metadata`) still count, a hand-edited tail whose numbers go backwards does not hide the
 * higher ones above it, and a new run never reuses numbers; a torn or garbage tail is
 * skipped. -1 when there is no number (or no file).
 */
export async function highestSequenceNumber(path: string, strict: z.ZodType, field = "sequenceNumber", windowBytes = TAIL_WINDOW_BYTES): Promise<number> {
  let highest = -1;
  let seen = 0;
  let foundValid = false;
  try {
    for await (const line of linesFromEnd(path)) {
      seen += Buffer.byteLength(line.text) + 1;
      if (foundValid && seen > windowBytes) break;
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
      if (!foundValid && strict.safeParse(value).success) foundValid = true;
    }
  } catch (error) {
    if (isMissingFile(error)) return -1;
    throw error;
  }
  return highest;
}
