import type { Document } from "bson";
import { ChangeStreams } from "./change-streams.js";
import { MemoryCollection } from "./memory-collection.js";

interface OpenCursor {
  readonly namespace: string;
  readonly remaining: Document[];
  readonly batchSize: number | undefined;
}

/** Every database and open cursor of one test server; it outlives stop/restart, as a real server's disk would. */
export class MemoryStore {
  readonly #databases = new Map<string, Map<string, MemoryCollection>>();
  readonly #cursors = new Map<number, OpenCursor>();
  /** Every insert, for change streams (served only when the server poses as a replica set). */
  readonly changeStreams = new ChangeStreams();
  #nextCursorId = 1;

  collection(db: string, name: string, create: boolean): MemoryCollection | undefined {
    let database = this.#databases.get(db);
    if (database === undefined) {
      if (!create) return undefined;
      database = new Map();
      this.#databases.set(db, database);
    }
    let collection = database.get(name);
    if (collection === undefined && create) {
      collection = new MemoryCollection(`${db}.${name}`, (document) => this.changeStreams.recordInsert(db, name, document));
      database.set(name, collection);
    }
    return collection;
  }

  collectionNames(db: string): string[] {
    return [...(this.#databases.get(db)?.keys() ?? [])];
  }

  dropCollection(db: string, name: string): boolean {
    return this.#databases.get(db)?.delete(name) ?? false;
  }

  dropDatabase(db: string): void {
    this.#databases.delete(db);
  }

  clear(): void {
    this.#databases.clear();
    this.#cursors.clear();
  }

  openCursor(namespace: string, remaining: Document[], batchSize: number | undefined): number {
    const id = this.#nextCursorId++;
    this.#cursors.set(id, { namespace, remaining, batchSize });
    return id;
  }

  /** The next batch of a cursor, and whether it is exhausted (then it is closed). */
  nextBatch(id: number, batchSize: number | undefined): { namespace: string; batch: Document[]; done: boolean } | undefined {
    const cursor = this.#cursors.get(id);
    if (cursor === undefined) return undefined;
    const size = batchSize ?? cursor.batchSize ?? cursor.remaining.length;
    const batch = cursor.remaining.splice(0, Math.max(1, size));
    const done = cursor.remaining.length === 0;
    if (done) this.#cursors.delete(id);
    return { namespace: cursor.namespace, batch, done };
  }

  closeCursor(id: number): boolean {
    return this.#cursors.delete(id) || this.changeStreams.close(id);
  }

  closeAllCursors(): void {
    this.#cursors.clear();
    this.changeStreams.closeAll();
  }
}
