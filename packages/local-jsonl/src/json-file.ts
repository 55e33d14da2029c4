import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { isPlainObject } from "@dashlog/core";
import { parseLenientJson } from "./lenient-json.js";

/** A JSON object file (`experiment.json`, `parameters.json`, a metric's `metadata.json`); undefined when missing or not an object. */
export function readJsonObject(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
  try {
    const value = parseLenientJson(text);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Replaces a small JSON file all at once (write a temporary file, then rename), so a reader
 * (ml-dash's, or a crash) never sees it half written. Indented as ml-dash writes it.
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

/** A non-negative safe integer field, or undefined. */
export function countField(object: Record<string, unknown> | undefined, field: string): number | undefined {
  const value = object?.[field];
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
