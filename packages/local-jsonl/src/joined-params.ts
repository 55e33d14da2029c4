import type { JsonValue, ParamsRecord, StoredRecord } from "@dashlog/core";
import { writeJsonAtomic } from "./json-file.js";
import { readParametersFile } from "./params-file.js";
import { withShortLock } from "./short-lock.js";

/**
 * One worker's parameter changes in a joined run. Every worker may `params.set`, so
 * `parameters.json` is read, merged and replaced under a short exclusive lock (`<file>.lock`,
 * the lock the `.sequence` counter uses): without it two workers' read-merge-write cycles
 * overlap and the later replace drops the keys the earlier one added. The file keeps ml-dash's
 * shape (`version` counts every worker's changes); a retried batch is recognised by this
 * worker's own change numbers, since the shared `version` also moves with the other workers'.
 */
export class JoinedParamsWriter {
  readonly #path: string;
  readonly #prefix: string;
  /** The highest change number of this worker already in the file. */
  #applied: number;

  constructor(path: string, prefix: string, nextIndex: number) {
    this.#path = path;
    this.#prefix = prefix;
    this.#applied = nextIndex - 1;
  }

  apply(records: readonly StoredRecord[], now: string): void {
    const fresh = (records as readonly ParamsRecord[]).filter((record) => record.sequenceNumber > this.#applied);
    const last = fresh.at(-1);
    if (last === undefined) return;
    withShortLock(`${this.#path}.lock`, this.#prefix, () => {
      const current = readParametersFile(this.#path);
      const data: Record<string, JsonValue> = { ...current?.data };
      for (const record of fresh) {
        for (const key of Object.keys(record.data)) {
          // As data: a "__proto__" parameter must not become a prototype.
          Object.defineProperty(data, key, { value: record.data[key], enumerable: true, writable: true, configurable: true });
        }
      }
      writeJsonAtomic(this.#path, { version: (current?.version ?? 0) + fresh.length, data, createdAt: current?.createdAt ?? now, updatedAt: now });
    });
    this.#applied = last.sequenceNumber;
  }
}
