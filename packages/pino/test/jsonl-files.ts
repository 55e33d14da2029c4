import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { logRecordSchema, type LogRecord } from "@dashlog/core";

function lines(path: string): unknown[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);
}

/** The records of `<root>/<prefix>/logs/logs.jsonl`, each checked against the stored format. */
export function readLogs(root: string, prefix: string): LogRecord[] {
  return lines(join(root, prefix, "logs", "logs.jsonl")).map((line) => logRecordSchema.parse(line) as LogRecord);
}

/** The lines of `<root>/<prefix>/runs.jsonl`. */
export function readRunLines(root: string, prefix: string): Record<string, unknown>[] {
  return lines(join(root, prefix, "runs.jsonl")) as Record<string, unknown>[];
}
