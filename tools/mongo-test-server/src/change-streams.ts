import { Long, Timestamp, type Document } from "bson";
import { CommandError, badValue } from "./command-error.js";
import { matchFilter } from "./match-filter.js";

interface StreamCursor {
  readonly db: string;
  readonly collection: string;
  readonly match: Document | undefined;
  /** Index of the next change to look at. */
  position: number;
}

interface Change {
  readonly db: string;
  readonly collection: string;
  readonly document: Document;
  readonly at: Date;
}

const DEFAULT_AWAIT_MS = 1000;

function token(position: number): Document {
  return { _data: position.toString(16).padStart(16, "0") };
}

function positionOf(resumeToken: unknown): number {
  const data = (resumeToken as { _data?: unknown } | null)?._data;
  if (typeof data !== "string" || !/^[0-9a-f]{16}$/.test(data)) throw badValue("resume token not recognised by the test server");
  return Number.parseInt(data, 16);
}

/**
 * Insert change streams, as a replica set has them: `aggregate` with `$changeStream`
 * (optionally `resumeAfter`/`startAfter`) then awaitable `getMore`s. Only inserts are
 * recorded, and only `$match` stages may follow.
 */
export class ChangeStreams {
  readonly #changes: Change[] = [];
  readonly #cursors = new Map<number, StreamCursor>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1_000_000;

  recordInsert(db: string, collection: string, document: Document): void {
    this.#changes.push({ db, collection, document, at: new Date() });
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  has(id: number): boolean {
    return this.#cursors.has(id);
  }

  close(id: number): boolean {
    return this.#cursors.delete(id);
  }

  closeAll(): void {
    this.#cursors.clear();
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  open(db: string, collection: string, pipeline: readonly Document[]): Document {
    const spec = (pipeline[0]?.["$changeStream"] ?? {}) as Document;
    const resume = spec["resumeAfter"] ?? spec["startAfter"];
    let match: Document | undefined;
    for (const stage of pipeline.slice(1)) {
      const [name, value] = Object.entries(stage)[0] ?? [];
      if (name !== "$match") throw badValue(`the test server supports only $match after $changeStream, got ${String(name)}`);
      match = match === undefined ? (value as Document) : { $and: [match, value] };
    }
    const position = resume === undefined ? this.#changes.length : positionOf(resume);
    const id = this.#nextId++;
    this.#cursors.set(id, { db, collection, match, position });
    return {
      cursor: { firstBatch: [], id: Long.fromNumber(id), ns: `${db}.${collection}`, postBatchResumeToken: token(position) },
      operationTime: new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }),
    };
  }

  /** The next batch of a change stream, waiting up to `maxTimeMS` for one. */
  async getMore(id: number, maxTimeMS: number | undefined, batchSize: number | undefined): Promise<Document> {
    const cursor = this.#cursors.get(id);
    if (cursor === undefined) throw new CommandError(43, "CursorNotFound", `cursor id ${id} not found`);
    let batch = this.#collect(cursor, batchSize);
    if (batch.length === 0) {
      await this.#wait(maxTimeMS ?? DEFAULT_AWAIT_MS);
      if (!this.#cursors.has(id)) throw new CommandError(43, "CursorNotFound", `cursor id ${id} was killed`);
      batch = this.#collect(cursor, batchSize);
    }
    return {
      cursor: { nextBatch: batch, id: Long.fromNumber(id), ns: `${cursor.db}.${cursor.collection}`, postBatchResumeToken: token(cursor.position) },
    };
  }

  #collect(cursor: StreamCursor, batchSize: number | undefined): Document[] {
    const batch: Document[] = [];
    const limit = batchSize === undefined || batchSize <= 0 ? Number.POSITIVE_INFINITY : batchSize;
    while (cursor.position < this.#changes.length && batch.length < limit) {
      const index = cursor.position++;
      const change = this.#changes[index] as Change;
      if (change.db !== cursor.db || change.collection !== cursor.collection) continue;
      const event: Document = {
        _id: token(index + 1),
        operationType: "insert",
        clusterTime: new Timestamp({ t: Math.floor(change.at.getTime() / 1000), i: index + 1 }),
        wallTime: change.at,
        fullDocument: change.document,
        ns: { db: change.db, coll: change.collection },
        documentKey: { _id: change.document["_id"] },
      };
      if (matchFilter(event, cursor.match)) batch.push(event);
    }
    return batch;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }
}
