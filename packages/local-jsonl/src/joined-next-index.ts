import { isPlainObject } from "@dashlog/core";
import { TAIL_WINDOW_BYTES } from "./highest-sequence.js";
import { parseLenientJson } from "./lenient-json.js";
import { linesFromEnd } from "./lines-from-end.js";
import { isMissingFile } from "./missing-file.js";

/**
 * Where `worker`'s points of a metric continue in a joined run, from the end of the series'
 * `data.jsonl`:
 * - one past its own last point, when it wrote the series before (a worker's indexes only grow,
 *   so its last line holds its highest);
 * - else one past the last point written by a run of its own (0 when there is none), ignoring
 *   other workers' points: every worker of a fresh run then starts at the same index, however
 *   late it joined, and its points line up step for step with the others';
 * - when neither is within the last `windowBytes`, `seriesNext` (one past the series' highest
 *   index): unaligned, but never an index the worker used before.
 */
export async function joinedNextIndex(path: string, worker: string, seriesNext: number, windowBytes = TAIL_WINDOW_BYTES): Promise<number> {
  let seen = 0;
  try {
    for await (const line of linesFromEnd(path)) {
      seen += Buffer.byteLength(line.text) + 1;
      if (seen > windowBytes) return seriesNext;
      let value: unknown;
      try {
        value = parseLenientJson(line.text);
      } catch {
        continue;
      }
      if (!isPlainObject(value)) continue;
      const index = value["index"];
      if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0) continue;
      const owner = value["worker"];
      if (owner === worker || owner === undefined) return index + 1;
    }
  } catch (error) {
    if (isMissingFile(error)) return 0;
    throw error;
  }
  return 0;
}
