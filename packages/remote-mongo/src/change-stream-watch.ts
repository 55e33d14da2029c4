import type { Collection, Document } from "mongodb";
import type { WatchedKind } from "./watched-collections.js";

/** How long the server holds each getMore when nothing happens: bounds how long a close takes to be noticed. */
const AWAIT_MS = 1000;

/** Change streams of one experiment on several collections, as `openChangeStreams` left them running. */
export interface ChangeStreamsHandle {
  close(): void;
}

/**
 * Change streams on `collections` for one experiment: `onChange(kind)` per insert (and per
 * update or replacement of a run, whose status moves). The first round trip of each tells
 * whether the server has change streams at all (a replica set or sharded cluster does, a
 * standalone refuses `$changeStream`): undefined then, with everything opened closed again. A
 * stream that breaks later calls `onBroken` once, and the others are closed with it.
 */
export async function openChangeStreams(
  collections: ReadonlyMap<WatchedKind, Collection>,
  prefix: string,
  onChange: (kind: WatchedKind) => void,
  onBroken: (error: unknown) => void,
): Promise<ChangeStreamsHandle | undefined> {
  const opened: { kind: WatchedKind; stream: ReturnType<Collection["watch"]> }[] = [];
  const closeAll = () => {
    for (const { stream } of opened) void stream.close().catch(() => undefined);
  };
  let firsts: (Document | null)[];
  try {
    for (const [kind, collection] of collections) {
      // A run's status moves by an update of its document; records and points are only ever inserted.
      const operations = kind === "runs" ? ["insert", "update", "replace"] : ["insert"];
      const pipeline = [{ $match: { operationType: { $in: operations }, "fullDocument.experiment": prefix } }];
      opened.push({ kind, stream: collection.watch(pipeline, { maxAwaitTimeMS: AWAIT_MS, ...(kind === "runs" ? { fullDocument: "updateLookup" } : {}) }) });
    }
    // Each first round trip waits up to AWAIT_MS when nothing happens: all at once.
    firsts = await Promise.all(opened.map(({ stream }) => stream.tryNext()));
  } catch {
    closeAll();
    return undefined;
  }
  let closed = false;
  const follow = async (kind: WatchedKind, stream: ReturnType<Collection["watch"]>, first: Document | null) => {
    if (first !== null) onChange(kind);
    try {
      while (!closed) {
        const change = await stream.tryNext();
        if (change !== null && !closed) onChange(kind);
      }
    } catch (error) {
      // The driver resumes what can be resumed; an error here means the stream is gone.
      if (closed) return;
      closed = true;
      closeAll();
      onBroken(error);
    }
  };
  opened.forEach(({ kind, stream }, i) => void follow(kind, stream, firsts[i] ?? null));
  return {
    close() {
      closed = true;
      closeAll();
    },
  };
}
