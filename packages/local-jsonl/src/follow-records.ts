import { open, type FileHandle } from "node:fs/promises";
import { matchesFilter, type ReadIssue, type RecordFilter, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";
import { countLines } from "./count-lines.js";
import { FileChangeWaiter } from "./file-change-waiter.js";
import { isAborted } from "./aborted.js";
import { linesForward } from "./lines-forward.js";
import { parseLine } from "./line-parser.js";
import { isMissingFile } from "./missing-file.js";
import { tailRecords } from "./tail-records.js";

export interface FollowRecordsOptions {
  readonly chunkSize: number;
  readonly pollIntervalMs: number;
  /** Start with the last `tail` matching records instead of the whole file. */
  readonly tail?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
}

/**
 * The matching records of `path` already there, then each new one as its line is completed,
 * until `signal` aborts (the iteration then ends quietly). A line without its `\n` yet is left
 * for the next look, so a write seen halfway is never reported as broken. A file that does not
 * exist yet is waited for; a file truncated or replaced is read again from its start.
 * Watchers and timers are released on abort and when the consumer stops iterating.
 */
export async function* followRecords(
  path: string,
  schema: z.ZodType<StoredRecord>,
  filter: RecordFilter,
  options: FollowRecordsOptions,
): AsyncGenerator<StoredRecord, void, undefined> {
  const { signal, onIssue, chunkSize } = options;
  if (isAborted(signal)) return;
  const waiter = new FileChangeWaiter(path, options.pollIntervalMs);
  // Lines are numbered from `basePos`: `linesBefore` lines end before it (unknown after a tail
  // until an issue needs a number), and `linesSince` complete lines have been read since.
  let pos = 0;
  let basePos = 0;
  let linesBefore: number | undefined = 0;
  let linesSince = 0;
  let inode: number | undefined;
  try {
    if (options.tail !== undefined) {
      const start = await tailRecords(path, options.tail, schema, filter, {
        chunkSize,
        signal,
        onIssue,
        completeLinesOnly: true,
      });
      for (const record of start.records) {
        if (isAborted(signal)) return;
        yield record;
      }
      pos = basePos = start.resumeAt;
      linesBefore = pos === 0 ? 0 : undefined;
    }
    while (!isAborted(signal)) {
      const handle = await openIfExists(path);
      if (handle !== undefined) {
        try {
          const stats = await handle.stat();
          // Replaced (log rotation) or truncated: what is there now is a new file, read from its start.
          if ((inode !== undefined && stats.ino !== inode) || stats.size < pos) {
            pos = basePos = 0;
            linesBefore = 0;
            linesSince = 0;
          }
          if (stats.ino !== inode || !waiter.watching) waiter.watch();
          inode = stats.ino;
          if (stats.size > pos) {
            for await (const line of linesForward(handle, { start: pos, end: stats.size, chunkSize })) {
              // Not fully written yet: leave it and read it again once its newline arrives.
              if (!line.terminated) break;
              pos = line.end;
              linesSince += 1;
              if (line.text.trim() === "") continue;
              const parsed = parseLine(line.text, schema, true);
              const issue = parsed.ok ? parsed.torn : parsed.issue;
              if (issue !== undefined && onIssue !== undefined) {
                linesBefore ??= await countLines(path, basePos, chunkSize);
                onIssue({ ...issue, line: linesBefore + linesSince });
              }
              if (parsed.ok && matchesFilter(parsed.record, filter)) {
                yield parsed.record;
                if (isAborted(signal)) return;
              }
            }
          }
        } finally {
          await handle.close();
        }
      }
      await waiter.wait(signal);
    }
  } catch (error) {
    // The tail step rejects with the abort reason; for a follow, abort is the normal way out.
    if (signal !== undefined && signal.aborted && error === signal.reason) return;
    throw error;
  } finally {
    waiter.close();
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, "r");
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}
