import { open, type FileHandle } from "node:fs/promises";
import { matchesFilter, type ReadIssue, type RecordFilter, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";
import { isAborted } from "./aborted.js";
import { linesForward } from "./lines-forward.js";
import { parseLine } from "./line-parser.js";
import { isMissingFile } from "./missing-file.js";

export interface ReadRecordsOptions {
  readonly chunkSize: number;
  readonly signal?: AbortSignal | undefined;
  readonly onIssue?: ((issue: ReadIssue) => void) | undefined;
}

/**
 * Every matching record of `path`, first to last, streamed a chunk at a time. The file is read
 * up to its size when opened, so a busy writer cannot keep the read going forever. Bad lines are
 * reported with their line number and skipped; blank lines are skipped silently (they hold no
 * record, and a writer never produces them). A missing file gives nothing. An abort ends the
 * iteration quietly: whoever aborted knows the result is partial.
 */
export async function* readRecords(
  path: string,
  schema: z.ZodType<StoredRecord>,
  filter: RecordFilter,
  options: ReadRecordsOptions,
): AsyncGenerator<StoredRecord, void, undefined> {
  const { signal, onIssue } = options;
  if (isAborted(signal)) return;
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isMissingFile(error)) return;
    throw error;
  }
  try {
    const end = (await handle.stat()).size;
    let lineNumber = 0;
    let highest = -1;
    let highestLine = 0;
    // Workers of a joined run append to the same file: each worker's lines ascend, not the file's.
    const byWorker = new Map<string, { highest: number; line: number }>();
    for await (const line of linesForward(handle, { end, chunkSize: options.chunkSize })) {
      if (isAborted(signal)) return;
      lineNumber += 1;
      if (line.text.trim() === "") continue;
      const parsed = parseLine(line.text, schema, line.terminated);
      if (!parsed.ok) {
        onIssue?.({ ...parsed.issue, line: lineNumber });
        continue;
      }
      if (parsed.torn !== undefined) onIssue?.({ ...parsed.torn, line: lineNumber });
      const seq = parsed.record.sequenceNumber;
      const worker = parsed.record["worker"];
      if (typeof worker === "string") {
        const last = byWorker.get(worker);
        if (last !== undefined && seq <= last.highest) {
          onIssue?.({
            kind: "out-of-order",
            line: lineNumber,
            message: `sequenceNumber ${seq} of worker ${worker} ${seq === last.highest ? "repeats" : "goes backwards"}: line ${last.line} already has ${last.highest}`,
            text: line.text.slice(0, 200),
          });
        } else byWorker.set(worker, { highest: seq, line: lineNumber });
        if (seq > highest) highest = seq;
      } else if (seq <= highest) {
        // Checked on every valid line, matching or not: the file's order is what is reported.
        onIssue?.({
          kind: "out-of-order",
          line: lineNumber,
          message: `sequenceNumber ${seq} ${seq === highest ? "repeats" : "goes backwards"}: line ${highestLine} already has ${highest}`,
          text: line.text.slice(0, 200),
        });
      } else {
        highest = seq;
        highestLine = lineNumber;
      }
      if (matchesFilter(parsed.record, filter)) yield parsed.record;
    }
  } finally {
    await handle.close();
  }
}
