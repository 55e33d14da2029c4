import { LOGS_STREAM, type RunEnded, type StoredRecord } from "@dashlog/core";
import type { InsertPipeline } from "./insert-pipeline.js";
import { MongoSinkError, toMongoSinkError } from "./mongo-sink-error.js";
import type { SinkCounters } from "./sink-counters.js";
import type { SpoolFileInfo } from "./spool-paths.js";
import type { Spool } from "./spool.js";

export interface SpoolReplayParts {
  readonly spool: Spool;
  readonly pipeline: InsertPipeline;
  readonly counters: SinkCounters;
  readonly batchSize: number;
  readonly maxConcurrentInserts: number;
  readonly secrets: readonly string[];
  readonly ensureReady: () => Promise<void>;
  /** Stores a run's end that was spooled (its records were replayed before it). */
  readonly writeStatus: (run: RunEnded) => Promise<void>;
  readonly report: (name: string, error: unknown) => void;
}

/** What one replay step did. */
export type ReplayStep = "empty" | "progressed" | "waiting";

/**
 * The way back from the spool: one pending file at a time, claimed (renamed) so appends
 * start a new file, sent through the insert pipeline in `batchSize` chunks, and removed only
 * once MongoDB holds every record of it. A crash part-way leaves the claimed file, which the
 * next replay finishes first; what was already stored comes back as duplicates.
 */
export class SpoolReplay {
  readonly #parts: SpoolReplayParts;

  constructor(parts: SpoolReplayParts) {
    this.#parts = parts;
  }

  /**
   * Replays one spool file. `empty`: nothing is pending (no file, and no append asked for and
   * not landed, checked in the spool's queue; `onEmpty` runs in that same turn, so no append can
   * slip in between);
   * `waiting`: MongoDB could not take it, it stays on disk.
   */
  async next(onEmpty: () => void): Promise<ReplayStep> {
    const { spool, pipeline, counters, report, secrets } = this.#parts;
    const files = await spool.pendingFiles();
    if (files.length === 0) {
      const empty = await spool.serial(async () => {
        // After the listing: an append asked for until now but queued behind this check is not on disk yet.
        if ((await spool.pendingFiles()).length > 0 || spool.appending > 0) return false;
        onEmpty();
        return true;
      });
      return empty ? "empty" : "progressed";
    }
    const file = files[0] as SpoolFileInfo;
    const path = await spool.claim(file);
    if (path === undefined) return "progressed";
    try {
      await this.#parts.ensureReady();
    } catch (error) {
      counters.retries++;
      report("replay", toMongoSinkError("replay", `MongoDB is not reachable yet; ${path} waits`, error, secrets));
      return "waiting";
    }
    const experiment = file.experiment;
    const stream = file.stream ?? LOGS_STREAM;
    let chunk: StoredRecord[] = [];
    let count = 0;
    let abandoned = false;
    let failure: { readonly error: unknown } | undefined;
    const sending: Promise<void>[] = [];
    /** Waits until at most `keep` inserts are on their way; false once one was abandoned (close). */
    const settle = async (keep: number) => {
      while (sending.length > keep) await sending.shift();
      if (failure !== undefined) {
        await Promise.all(sending);
        throw failure.error;
      }
      return !abandoned;
    };
    const send = async () => {
      if (chunk.length > 0) {
        const records = chunk;
        chunk = [];
        // Replay is never abandoned by a spill of the memory queue, only by close (the pipeline checks `stop`).
        sending.push(
          pipeline.insert([{ experiment, stream, records }], () => false).then(
            (outcome) => {
              if (outcome === "abandoned") abandoned = true;
              else count += records.length;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          ),
        );
      }
      return settle(this.#parts.maxConcurrentInserts - 1);
    };
    for await (const lines of spool.read(path, file.stream === undefined)) {
      for (const line of lines) {
        if (line.kind === "bad") {
          // Kept with the rejected records, so a line cut short by a crash is still on disk to look at.
          const where = file.stream === undefined ? undefined : await spool.reject(file.experiment, file.stream, line.text, line.reason);
          if (where !== undefined) counters.rejected++;
          report("replay", new MongoSinkError("replay", `${path} line ${line.line} skipped: ${line.reason}${where === undefined ? "" : `; kept in ${where}`}`));
          continue;
        }
        if (line.kind === "run") {
          await this.#parts.writeStatus(line.run);
          continue;
        }
        chunk.push(line.record);
        if (chunk.length >= this.#parts.batchSize && !(await send())) return "waiting";
      }
    }
    if (!(await send()) || !(await settle(0))) return "waiting";
    await spool.remove(path);
    counters.replayed += count;
    return "progressed";
  }
}
