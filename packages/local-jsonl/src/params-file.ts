import { isPlainObject, type JsonValue, type ParamsRecord, type ParamsSnapshot, type StoredRecord } from "@dashlog/core";
import { countField, readJsonObject, writeJsonAtomic } from "./json-file.js";

/**
 * `parameters.json` as ml-dash reads and writes it: `{"version", "data": {dotted keys},
 * "createdAt", "updatedAt"}`, where `version` counts the changes (1 after the first). Lenient:
 * a missing or broken file is no parameters.
 */
export function readParametersFile(path: string): ParamsSnapshot | null {
  const json = readJsonObject(path);
  if (json === undefined) return null;
  const data = isPlainObject(json["data"]) ? (json["data"] as Record<string, JsonValue>) : {};
  return {
    data,
    version: countField(json, "version") ?? 0,
    createdAt: typeof json["createdAt"] === "string" ? json["createdAt"] : null,
    updatedAt: typeof json["updatedAt"] === "string" ? json["updatedAt"] : null,
  };
}

/**
 * Merges parameter changes into `parameters.json`. A change whose number is below the
 * file's `version` is already in it (a retried batch), so it is skipped.
 */
export class ParametersFileWriter {
  readonly #path: string;
  #current: ParamsSnapshot | null;

  constructor(path: string) {
    this.#path = path;
    this.#current = readParametersFile(path);
  }

  /** The number the next change gets (the file's `version`). */
  get nextIndex(): number {
    return this.#current?.version ?? 0;
  }

  get data(): Readonly<Record<string, JsonValue>> {
    return this.#current?.data ?? {};
  }

  apply(records: readonly StoredRecord[], now: string): void {
    const current = this.#current;
    let version = current?.version ?? 0;
    const data: Record<string, JsonValue> = { ...current?.data };
    let changed = false;
    for (const record of records as readonly ParamsRecord[]) {
      if (record.sequenceNumber < version) continue;
      mergeInto(data, record.data);
      version = record.sequenceNumber + 1;
      changed = true;
    }
    if (!changed) return;
    const createdAt = current?.createdAt ?? now;
    writeJsonAtomic(this.#path, { version, data, createdAt, updatedAt: now });
    this.#current = { data, version, createdAt, updatedAt: now };
  }
}

/** Copies `source`'s keys as data: a `"__proto__"` parameter must not become a prototype. */
function mergeInto(target: Record<string, JsonValue>, source: Readonly<Record<string, JsonValue>>): void {
  for (const key of Object.keys(source)) {
    Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
  }
}
