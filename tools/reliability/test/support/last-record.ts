import type { ReadIssue, Run, StoredRecord } from "@dashlog/core";
import { jsonlReader } from "@dashlog/local-jsonl";

/** Writes what `exp` has queued, then reads the experiment's last record back through the public reader. */
export async function flushAndReadLast(exp: Run, root: string): Promise<{ record: StoredRecord | undefined; issues: ReadIssue[] }> {
  await exp.flush();
  const issues: ReadIssue[] = [];
  const [record] = await jsonlReader({ root }).tail(exp.experiment, 1, { onIssue: (issue) => issues.push(issue) });
  return { record, issues };
}

/** Own keys of Object.prototype, to prove no input ever added one. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}
