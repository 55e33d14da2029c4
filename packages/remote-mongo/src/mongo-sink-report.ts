import type { SpoolFileCount } from "./spool.js";

export interface MongoSinkStats {
  /** Records waiting in memory. */
  readonly queued: number;
  /** Records MongoDB accepted (duplicates of records already stored not included). */
  readonly inserted: number;
  /** Records MongoDB already had (a retry or replay of a write that had landed): counted as written. */
  readonly duplicates: number;
  /** Records this sink put in the spool, ever (it never goes down; `replayed` counts those that came back out). */
  readonly spooled: number;
  /** Records replayed from the spool into MongoDB. */
  readonly replayed: number;
  /** Records MongoDB refused for good (bad keys, too large, ...), kept under `rejected/`. */
  readonly rejected: number;
  /** Failed attempts that were retried. */
  readonly retries: number;
}

/** What `close()` reports: everything that is not in MongoDB, and where it is. */
export interface MongoCloseReport {
  readonly stats: MongoSinkStats;
  /** Records still waiting in the spool (MongoDB was unreachable until the end), by file. */
  readonly unwritten: { readonly records: number; readonly files: readonly SpoolFileCount[] };
  /** Records MongoDB will never take, by file (each line holds the record and the reason). */
  readonly rejected: { readonly records: number; readonly files: readonly SpoolFileCount[] };
  /** The spool folder (absolute). */
  readonly spoolDir: string;
  /** True when every record is in MongoDB. */
  readonly complete: boolean;
}
