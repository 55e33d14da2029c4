import type { Document } from "bson";

/** The value at a dotted path (`metadata.epoch`), or undefined when any step is missing. */
export function getPath(document: Document, path: string): unknown {
  if (!path.includes(".")) return document[path];
  let value: unknown = document;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function setPath(document: Document, path: string, value: unknown): void {
  const keys = path.split(".");
  let target: Record<string, unknown> = document;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    if (next === null || typeof next !== "object") target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1] as string] = value;
}

export function unsetPath(document: Document, path: string): void {
  const keys = path.split(".");
  let target: unknown = document;
  for (const key of keys.slice(0, -1)) {
    if (target === null || typeof target !== "object") return;
    target = (target as Record<string, unknown>)[key];
  }
  if (target !== null && typeof target === "object") delete (target as Record<string, unknown>)[keys[keys.length - 1] as string];
}
