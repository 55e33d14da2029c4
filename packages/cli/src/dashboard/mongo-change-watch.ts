import type { StoreWatch } from "./store-watch.js";

/** The part of a driver's change stream the watch uses. */
export interface ChangeStreamLike {
  tryNext(): Promise<unknown>;
  close(): Promise<void>;
}

/** The part of a driver's collection the watch uses. */
export interface WatchableCollection {
  watch(pipeline: Record<string, unknown>[], options: { maxAwaitTimeMS: number }): ChangeStreamLike;
}

/** How long the server holds each getMore when nothing happens: bounds how long `close` takes to be noticed. */
const AWAIT_MS = 1000;

/**
 * Inserts of one experiment into `collections` (the logs and streams collections), as change
 * streams: `onChange` per insert. The first round trip tells whether the server has change
 * streams at all (a replica set or sharded cluster does, a standalone refuses `$changeStream`):
 * undefined then, and the caller polls. A stream that breaks later calls `onLost` once.
 */
export async function watchMongoInserts(
  collections: readonly WatchableCollection[],
  prefix: string,
  onChange: () => void,
  onLost: () => void,
): Promise<StoreWatch | undefined> {
  const match = { $match: { operationType: "insert", "fullDocument.experiment": prefix } };
  const streams: ChangeStreamLike[] = [];
  let firsts: unknown[];
  try {
    for (const collection of collections) streams.push(collection.watch([match], { maxAwaitTimeMS: AWAIT_MS }));
    // Each first round trip waits up to AWAIT_MS when nothing happens: all at once.
    firsts = await Promise.all(streams.map((s) => s.tryNext()));
  } catch {
    await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
    return undefined;
  }
  let closed = false;
  let lost = false;
  const follow = async (stream: ChangeStreamLike, first: unknown) => {
    if (first !== null && first !== undefined) onChange();
    try {
      while (!closed) {
        const change = await stream.tryNext();
        if (change !== null && change !== undefined && !closed) onChange();
      }
    } catch {
      // The driver resumes what can be resumed; an error here means the stream is gone.
      if (!closed && !lost) {
        lost = true;
        onLost();
      }
    }
  };
  streams.forEach((stream, i) => void follow(stream, firsts[i]));
  return {
    close() {
      closed = true;
      for (const s of streams) void s.close().catch(() => undefined);
    },
  };
}
