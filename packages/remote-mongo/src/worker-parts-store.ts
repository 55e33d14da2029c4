import { hostname } from "node:os";
import type { RunEnded, RunInfo, SequenceCounterState, SequenceRange, WorkerPartState } from "@dashlog/core";
import type { Db, Document } from "mongodb";
import { DUPLICATE_KEY } from "./classify-error.js";
import { escapeKey, unescapeKey } from "./escape-keys.js";
import type { CollectionNames } from "./mongo-options.js";

/**
 * Joined runs in MongoDB: one counter document per experiment in `counters`, from which every
 * worker, on any machine, reserves blocks with one atomic `$inc` (the server is the shared
 * engine; the unique index on `(experiment, sequenceNumber)` stays the final guard), and one
 * document per worker's part in `workers`: its status, and every block it reserved, so the
 * numbers a crashed worker never used are accounted for. The same `$inc` counts the numbers
 * each worker took (`taken.<runId>.<worker>` in the counter document), so a block taken by a
 * worker killed before it recorded the block is still attributed: readers compare the count
 * with the part's blocks (see `stateUnrecordedNumbers`).
 */
export class WorkerPartsStore {
  readonly #db: Db;
  readonly #collections: Required<CollectionNames>;

  constructor(db: Db, collections: Required<CollectionNames>) {
    this.#db = db;
    this.#collections = collections;
  }

  /** Records the part RUNNING and moves the experiment's counter past `floor` (what is already stored). */
  async join(run: RunInfo, worker: string, floor: number): Promise<void> {
    const after = await this.#counterUpdate(run.experiment, { $max: { next: floor } });
    // Where the counter stood: this worker's blocks start no lower (readers look for its unrecorded numbers past it).
    const sequenceFloor = typeof after?.["next"] === "number" ? after["next"] : floor;
    await this.#db.collection(this.#collections.workers).updateOne(
      { experiment: run.experiment, runId: run.runId, worker },
      { $set: { status: "RUNNING", startedAt: new Date(run.startedAt), pid: process.pid, hostname: hostname(), sequenceFloor } },
      { upsert: true },
    );
  }

  /**
   * One atomic `$inc` reserves the block and adds it to the worker's count in the counter
   * document; the block is then added to the worker's part. A crash between the two (or a
   * lost acknowledgement, retried) leaves a count larger than the part's blocks: readers state
   * the difference on the part as `unrecordedSequenceNumbers`, never a silent gap.
   */
  async reserve(run: RunInfo, worker: string, count: number): Promise<SequenceRange> {
    const after = await this.#counterUpdate(run.experiment, { $inc: { next: count, [takenField(run.runId, worker)]: count } });
    const next = after?.["next"];
    if (typeof next !== "number") throw new Error(`the counter of ${JSON.stringify(run.experiment)} in ${this.#collections.counters} has no number`);
    const range = { first: next - count, count };
    // Keyed by the first number: `$set` of a field, which every server (and the test server) applies atomically.
    await this.#db
      .collection(this.#collections.workers)
      .updateOne({ experiment: run.experiment, runId: run.runId, worker }, { $set: { [`reserved.${range.first}`]: count } });
    return range;
  }

  async recordEnd(run: RunEnded, worker: string): Promise<void> {
    await this.#db.collection(this.#collections.workers).updateOne(
      { experiment: run.experiment, runId: run.runId, worker },
      {
        $set: {
          status: run.status,
          startedAt: new Date(run.startedAt),
          endedAt: new Date(run.endedAt),
          nextSequenceNumber: run.nextSequenceNumber,
          unusedSequenceNumbers: [...(run.unusedSequenceNumbers ?? [])].map((r) => ({ first: r.first, count: r.count })),
          ...(run.error === undefined ? {} : { error: { name: run.error.name, message: run.error.message } }),
        },
      },
      { upsert: true },
    );
  }

  /** Every joined run's parts, by run id, in the order the workers joined. */
  async parts(experiment: string): Promise<Map<string, Omit<WorkerPartState, "effectiveStatus" | "crashReason">[]>> {
    const documents = await this.#db.collection(this.#collections.workers).find({ experiment }, { sort: { startedAt: 1 } }).toArray();
    const out = new Map<string, Omit<WorkerPartState, "effectiveStatus" | "crashReason">[]>();
    for (const d of documents) {
      const runId = d["runId"];
      const worker = d["worker"];
      if (typeof runId !== "string" || typeof worker !== "string") continue;
      let list = out.get(runId);
      if (list === undefined) out.set(runId, (list = []));
      list.push(toPart(d, worker));
    }
    return out;
  }

  /** The experiment's counter: where it stands and each worker's count; undefined when no worker ever joined. */
  async counter(experiment: string): Promise<SequenceCounterState | undefined> {
    const d: Document | null = await this.#db.collection<{ _id: string }>(this.#collections.counters).findOne({ _id: experiment });
    const next = d?.["next"];
    if (typeof next !== "number") return undefined;
    const taken = new Map<string, Map<string, number>>();
    for (const [runId, workers] of Object.entries((d?.["taken"] as Record<string, unknown> | undefined) ?? {})) {
      if (typeof workers !== "object" || workers === null) continue;
      const counts = new Map<string, number>();
      for (const [worker, n] of Object.entries(workers)) if (typeof n === "number" && Number.isSafeInteger(n)) counts.set(unescapeKey(worker), n);
      taken.set(unescapeKey(runId), counts);
    }
    return { next, taken };
  }

  /** `$inc`/`$max` on the counter, created on first use; a concurrent first upsert is retried once. */
  async #counterUpdate(experiment: string, update: Document): Promise<Document | null> {
    const counters = this.#db.collection<{ _id: string; next: number }>(this.#collections.counters);
    for (let attempt = 0; ; attempt++) {
      try {
        return await counters.findOneAndUpdate({ _id: experiment }, update, { upsert: true, returnDocument: "after" });
      } catch (error) {
        if ((error as { code?: unknown }).code !== DUPLICATE_KEY || attempt > 0) throw error;
      }
    }
  }
}

/** The counter document's field counting a worker's numbers: run id and worker escaped, so `.` and `$` in them are no path. */
export function takenField(runId: string, worker: string): string {
  return `taken.${escapeKey(runId)}.${escapeKey(worker)}`;
}

function toPart(d: Document, worker: string): Omit<WorkerPartState, "effectiveStatus" | "crashReason"> {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === "string" ? v : undefined);
  const reserved = Object.entries((d["reserved"] as Record<string, unknown> | undefined) ?? {})
    .map(([first, count]) => ({ first: Number(first), count: Number(count) }))
    .filter((r) => Number.isSafeInteger(r.first) && Number.isSafeInteger(r.count))
    .sort((a, b) => a.first - b.first);
  const status = d["status"] === "COMPLETED" || d["status"] === "FAILED" ? d["status"] : "RUNNING";
  const error = d["error"] as { name?: unknown; message?: unknown } | undefined;
  return {
    worker,
    status,
    startedAt: iso(d["startedAt"]) ?? new Date(0).toISOString(),
    ...(iso(d["endedAt"]) === undefined ? {} : { endedAt: iso(d["endedAt"]) }),
    ...(typeof d["pid"] === "number" ? { pid: d["pid"] } : {}),
    ...(typeof d["hostname"] === "string" ? { hostname: d["hostname"] } : {}),
    reserved,
    ...(Array.isArray(d["unusedSequenceNumbers"]) ? { unusedSequenceNumbers: d["unusedSequenceNumbers"] as SequenceRange[] } : {}),
    ...(typeof d["nextSequenceNumber"] === "number" ? { nextSequenceNumber: d["nextSequenceNumber"] } : {}),
    ...(typeof d["sequenceFloor"] === "number" ? { sequenceFloor: d["sequenceFloor"] } : {}),
    ...(error !== undefined && typeof error.name === "string" && typeof error.message === "string" ? { error: { name: error.name, message: error.message } } : {}),
  };
}
