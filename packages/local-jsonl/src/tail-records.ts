import { matchesFilter, type ReadIssue, type RecordFilter, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";
import { countLines } from "./count-lines.js";
import { linesFromEnd } from "./lines-from-end.js";
import { parseLine } from "./line-parser.js";
import { isMissingFile } from "./missing-file.js";

export interface TailRecordsOptions {
  readonly chunkSize: number;
  readonly signal?: AbortSignal | undefined;
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
  /**
   * Leave an unterminated last line alone instead of parsing it: a follower treats it as a
   * write still in progress and reads it again once its newline arrives.
   */
  readonly completeLinesOnly: boolean;
}

export interface TailRecords {
  /** The last `n` matching records, oldest first. */
  readonly records: StoredRecord[];
  /** Byte offset just past the last complete line seen: where a follower continues. */
  readonly resumeAt: number;
}

interface PendingIssue {
  readonly issue: Omit<ReadIssue, "line">;
  /** 1 for the last line of the file, 2 for the one before, ... */
  readonly fromEnd: number;
  readonly offset: number;
}

/**
 * Reads `path` backwards until `n` records match, so the cost follows `n`, not the file size.
 * Only the lines visited are checked: a bad line earlier than the n-th match is not reported.
 * Issues are reported oldest first, after the scan, because their line numbers are only known
 * by counting from the start of the file, which is done once and only when there is an issue.
 * A missing file gives no records.
 */
export async function tailRecords(
  path: string,
  n: number,
  schema: z.ZodType<StoredRecord>,
  filter: RecordFilter,
  options: TailRecordsOptions,
): Promise<TailRecords> {
  const found: StoredRecord[] = [];
  const pending: PendingIssue[] = [];
  let resumeAt = 0;
  let fromEnd = 0;
  try {
    for await (const line of linesFromEnd(path, { chunkSize: options.chunkSize, signal: options.signal })) {
      fromEnd += 1;
      if (fromEnd === 1) resumeAt = line.terminated ? line.end : line.offset;
      if (found.length >= n) break; // n === 0: the first line was only needed for resumeAt
      if (!line.terminated && options.completeLinesOnly) continue;
      if (line.text.trim() === "") continue;
      const parsed = parseLine(line.text, schema, line.terminated);
      if (!parsed.ok) {
        pending.push({ issue: parsed.issue, fromEnd, offset: line.offset });
      } else {
        if (parsed.torn !== undefined) pending.push({ issue: parsed.torn, fromEnd, offset: line.offset });
        if (!matchesFilter(parsed.record, filter)) continue;
        found.push(parsed.record);
        if (found.length >= n) break;
      }
    }
  } catch (error) {
    if (!isMissingFile(error)) throw error;
    return { records: [], resumeAt: 0 };
  }
  if (pending.length > 0 && options.onIssue !== undefined) {
    const earliest = pending[pending.length - 1] as PendingIssue;
    const earliestLine = (await countLines(path, earliest.offset, options.chunkSize)) + 1;
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      const { issue, fromEnd: at } = pending[i] as PendingIssue;
      options.onIssue({ ...issue, line: earliestLine + (earliest.fromEnd - at) });
    }
  }
  return { records: found.reverse(), resumeAt };
}
