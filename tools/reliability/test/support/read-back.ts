import type { ReadIssue, StoredRecord } from "@dashlog/core";
import { jsonlReader } from "@dashlog/local-jsonl";

export interface ReadBack {
  readonly records: StoredRecord[];
  readonly issues: ReadIssue[];
}

/** Every record of one stream, read through the public reader, with every issue it reported. */
export async function readBack(root: string, prefix: string, stream = "logs"): Promise<ReadBack> {
  const records: StoredRecord[] = [];
  const issues: ReadIssue[] = [];
  for await (const record of jsonlReader({ root }).read(prefix, { stream, onIssue: (issue) => issues.push(issue) })) {
    records.push(record);
  }
  return { records, issues };
}

/** `[from, from + 1, ..., to - 1]`: what a gap-free run of sequence numbers looks like. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
