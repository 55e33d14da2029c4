import { appendFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { runRecordSchema, type RunRecord } from "@dashlog/core";

/** Appends one status change of a run as a line of `runs.jsonl`. */
export function appendRunRecord(path: string, record: RunRecord): void {
  appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/**
 * Every run of an experiment with its latest status, oldest first. Lines that do not
 * parse are skipped (a crash can tear the last one); a missing file means no runs.
 */
export async function readRuns(path: string): Promise<RunRecord[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const runs = new Map<string, RunRecord>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = runRecordSchema.safeParse(json);
    if (parsed.success) runs.set(parsed.data.runId, { ...runs.get(parsed.data.runId), ...parsed.data });
  }
  return [...runs.values()];
}
