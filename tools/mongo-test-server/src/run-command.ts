import { Long, type Document } from "bson";
import { applyProjection, topLevelExclusions } from "./apply-projection.js";
import { CommandError, badValue } from "./command-error.js";
import { MAX_BSON_OBJECT_SIZE, sortDocuments } from "./memory-collection.js";
import type { MemoryStore } from "./memory-store.js";
import { runAggregate } from "./run-aggregate.js";
import { projectedBytes } from "./stored-bytes.js";
import { updateDocument, upsertSeed } from "./update-document.js";

export interface CommandContext {
  readonly store: MemoryStore;
  readonly connectionId: number;
  /** Reported by hello/buildInfo. */
  readonly version: string;
  /** Set: pose as the primary of this replica set (change streams work); unset: a standalone. */
  readonly replicaSet: { readonly name: string; readonly host: string } | undefined;
}

/** MongoDB 7.0's wire version: new enough for every feature the driver asks about. */
export const MAX_WIRE_VERSION = 21;
const DEFAULT_BATCH_SIZE = 101;

type Handler = (command: Document, db: string, context: CommandContext) => Document;

/** The name of a command: its first key. */
export function commandName(command: Document): string {
  return Object.keys(command)[0] ?? "";
}

/** Runs one command against the store and returns the reply body (`ok: 1` included), or throws CommandError. */
export function runCommand(command: Document, context: CommandContext): Document {
  const name = commandName(command);
  const handler = HANDLERS[name] ?? HANDLERS[name.toLowerCase()];
  if (handler === undefined) throw new CommandError(59, "CommandNotFound", `no such command: '${name}'`);
  const db = typeof command["$db"] === "string" ? command["$db"] : "admin";
  return { ...handler(command, db, context), ok: 1 };
}

function hello(_command: Document, _db: string, context: CommandContext): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ...(context.replicaSet === undefined
      ? {}
      : { setName: context.replicaSet.name, hosts: [context.replicaSet.host], primary: context.replicaSet.host, me: context.replicaSet.host, setVersion: 1 }),
  };
}

function collectionOf(command: Document, name: string): string {
  const value = command[name];
  if (typeof value !== "string" || value.length === 0) throw badValue(`${name} needs a collection name`);
  return value;
}

function cursorReply(id: number, namespace: string, batch: Document[], first: boolean): Document {
  return { cursor: { [first ? "firstBatch" : "nextBatch"]: batch, id: Long.fromNumber(id), ns: namespace } };
}

/** Splits results into a first batch and a cursor for the rest. */
function openResults(context: CommandContext, namespace: string, results: Document[], batchSize: number | undefined, singleBatch: boolean): Document {
  const first = batchSize ?? DEFAULT_BATCH_SIZE;
  if (singleBatch || results.length <= first) return cursorReply(0, namespace, results.slice(0, singleBatch ? first : undefined), true);
  const id = context.store.openCursor(namespace, results.slice(first), batchSize);
  return cursorReply(id, namespace, results.slice(0, first), true);
}

function toNumber(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Long) return value.toNumber();
  return Number(value);
}

const HANDLERS: Record<string, Handler> = {
  hello,
  ismaster: hello,
  isMaster: hello,
  ping: () => ({}),
  buildInfo: (_c, _d, context) => ({ version: context.version, versionArray: context.version.split(".").map(Number), maxBsonObjectSize: MAX_BSON_OBJECT_SIZE }),
  buildinfo: (_c, _d, context) => ({ version: context.version }),
  getParameter: () => ({}),
  endSessions: () => ({}),
  saslStart: () => {
    throw new CommandError(18, "AuthenticationFailed", "Authentication failed.");
  },
  listCollections: (_command, db, context) => {
    const batch = context.store.collectionNames(db).map((name) => ({ name, type: "collection", options: {}, info: { readOnly: false } }));
    return cursorReply(0, `${db}.$cmd.listCollections`, batch, true);
  },
  create: (command, db, context) => {
    context.store.collection(db, collectionOf(command, "create"), true);
    return {};
  },
  drop: (command, db, context) => {
    if (!context.store.dropCollection(db, collectionOf(command, "drop"))) throw new CommandError(26, "NamespaceNotFound", "ns not found");
    return {};
  },
  dropDatabase: (_command, db, context) => {
    context.store.dropDatabase(db);
    return {};
  },
  createIndexes: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "createIndexes"), true);
    if (collection === undefined) throw new Error("unreachable");
    const before = collection.indexes.length;
    const specs = command["indexes"];
    if (!Array.isArray(specs)) throw badValue("createIndexes needs an indexes array");
    for (const spec of specs as Document[]) collection.createIndex(spec);
    return { numIndexesBefore: before, numIndexesAfter: collection.indexes.length, createdCollectionAutomatically: before === 0 };
  },
  listIndexes: (command, db, context) => {
    const name = collectionOf(command, "listIndexes");
    const collection = context.store.collection(db, name, false);
    if (collection === undefined) throw new CommandError(26, "NamespaceNotFound", `ns does not exist: ${db}.${name}`);
    return cursorReply(0, `${db}.${name}`, collection.indexes.map((i) => ({ ...i })), true);
  },
  // `index`: a name, a key pattern, an array of names, or "*" for every index but `_id_`.
  dropIndexes: (command, db, context) => {
    const name = collectionOf(command, "dropIndexes");
    const collection = context.store.collection(db, name, false);
    if (collection === undefined) throw new CommandError(26, "NamespaceNotFound", `ns not found ${db}.${name}`);
    const before = collection.indexes.length;
    const which = command["index"];
    if (which === "*") {
      for (const index of collection.indexes) if (index.name !== "_id_") collection.dropIndex(index.name);
    } else if (Array.isArray(which)) {
      if (!which.every((n) => typeof n === "string")) throw badValue("dropIndexes needs index names in its array");
      // All or none, as MongoDB: every name is checked before any index is dropped.
      for (const n of which as string[]) if (!collection.indexes.some((i) => i.name === n)) throw new CommandError(27, "IndexNotFound", `index not found with name [${n}]`);
      for (const n of which as string[]) collection.dropIndex(n);
    } else if (typeof which === "string" || (typeof which === "object" && which !== null)) {
      collection.dropIndex(which as string | Document);
    } else {
      throw badValue("dropIndexes needs an index name, key pattern, array of names or \"*\"");
    }
    return { nIndexesWas: before };
  },
  insert: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "insert"), true);
    if (collection === undefined) throw new Error("unreachable");
    const documents = command["documents"];
    if (!Array.isArray(documents)) throw badValue("insert needs a documents array");
    const ordered = command["ordered"] !== false;
    const writeErrors: Document[] = [];
    let n = 0;
    for (const [index, document] of (documents as Document[]).entries()) {
      try {
        collection.insert(document);
        n++;
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        writeErrors.push({ index, code: error.code, errmsg: error.message, ...extraErrorFields(error) });
        if (ordered) break;
      }
    }
    return writeErrors.length === 0 ? { n } : { n, writeErrors };
  },
  find: (command, db, context) => {
    const name = collectionOf(command, "find");
    const collection = context.store.collection(db, name, false);
    const filter = command["filter"] as Document | undefined;
    const sort = command["sort"] as Document | undefined;
    const skip = toNumber(command["skip"]) ?? 0;
    const limit = toNumber(command["limit"]) ?? 0;
    const sortKeys = sort === undefined ? [] : Object.keys(sort);
    const direction = sortKeys.length === 1 ? (sort as Document)[sortKeys[0] as string] : undefined;
    let results: Document[];
    if (collection !== undefined && limit > 0 && (direction === 1 || direction === -1)) {
      // A page of a keyset scan: served from a sorted view instead of a full filter and sort.
      results = collection.findSorted(filter, sortKeys[0] as string, direction, skip + limit).slice(skip);
    } else {
      results = sortDocuments(collection?.find(filter) ?? [], sort);
      results = results.slice(skip, limit > 0 ? skip + limit : undefined);
    }
    const projection = command["projection"] as Document | undefined;
    if (projection !== undefined) {
      // Stored documents are projected on their bytes (no object, no encoding per reply); others as objects.
      const excluded = topLevelExclusions(projection);
      results = results.map((d) => (excluded === undefined ? undefined : projectedBytes(d, excluded)) ?? applyProjection(d, projection));
    }
    return openResults(context, `${db}.${name}`, results, toNumber(command["batchSize"]), command["singleBatch"] === true);
  },
  getMore: (command, _db, context) => {
    const id = toNumber(command["getMore"]) ?? 0;
    const next = context.store.nextBatch(id, toNumber(command["batchSize"]));
    if (next === undefined) throw new CommandError(43, "CursorNotFound", `cursor id ${id} not found`);
    return cursorReply(next.done ? 0 : id, next.namespace, next.batch, false);
  },
  killCursors: (command, _db, context) => {
    const ids = ((command["cursors"] as unknown[]) ?? []).map((c) => toNumber(c) ?? 0);
    const killed = ids.filter((id) => context.store.closeCursor(id));
    return { cursorsKilled: killed.map((id) => Long.fromNumber(id)), cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [] };
  },
  count: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "count"), false);
    return { n: collection?.find(command["query"] as Document | undefined).length ?? 0 };
  },
  distinct: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "distinct"), false);
    const key = String(command["key"]);
    const values = runAggregate(collection?.find(command["query"] as Document | undefined) ?? [], [{ $group: { _id: `$${key}` } }]);
    return { values: values.map((v) => v["_id"]).filter((v) => v !== null) };
  },
  aggregate: (command, db, context) => {
    const name = command["aggregate"];
    if (typeof name !== "string") throw badValue("the test server supports only collection aggregations");
    const pipeline = (command["pipeline"] as Document[]) ?? [];
    if (pipeline[0]?.["$changeStream"] !== undefined) {
      if (context.replicaSet === undefined) {
        throw new CommandError(40573, "Location40573", "The $changeStream stage is only supported on replica sets");
      }
      return context.store.changeStreams.open(db, name, pipeline);
    }
    const collection = context.store.collection(db, name, false);
    const results = runAggregate(collection?.documents ?? [], pipeline);
    const cursor = (command["cursor"] as Document | undefined) ?? {};
    return openResults(context, `${db}.${name}`, results, toNumber(cursor["batchSize"]), false);
  },
  update: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "update"), true);
    if (collection === undefined) throw new Error("unreachable");
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors: Document[] = [];
    for (const [index, statement] of ((command["updates"] as Document[]) ?? []).entries()) {
      try {
        const filter = statement["q"] as Document | undefined;
        const update = statement["u"] as Document;
        const matches = collection.find(filter);
        const targets = statement["multi"] === true ? matches : matches.slice(0, 1);
        if (targets.length === 0 && statement["upsert"] === true) {
          const document = updateDocument(upsertSeed(filter), update, true);
          collection.insert(document);
          const inserted = collection.documents[collection.documents.length - 1];
          upserted.push({ index, _id: inserted?.["_id"] });
          n++;
          continue;
        }
        for (const target of targets) {
          const after = updateDocument(target, update, false);
          collection.replace(target, after);
          n++;
          nModified++;
        }
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        writeErrors.push({ index, code: error.code, errmsg: error.message, ...extraErrorFields(error) });
        if (command["ordered"] !== false) break;
      }
    }
    return { n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ...(writeErrors.length > 0 ? { writeErrors } : {}) };
  },
  delete: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "delete"), false);
    let n = 0;
    for (const statement of (command["deletes"] as Document[]) ?? []) {
      n += collection?.delete(statement["q"] as Document | undefined, Number(statement["limit"] ?? 0)) ?? 0;
    }
    return { n };
  },
  findAndModify: (command, db, context) => {
    const collection = context.store.collection(db, collectionOf(command, "findAndModify"), true);
    if (collection === undefined) throw new Error("unreachable");
    const filter = command["query"] as Document | undefined;
    const sorted = sortDocuments(collection.find(filter), command["sort"] as Document | undefined);
    const target = sorted[0];
    const fields = command["fields"] as Document | undefined;
    const shown = (d: Document | undefined) => (d === undefined ? null : applyProjection(d, fields));
    if (command["remove"] === true) {
      if (target !== undefined) collection.delete({ _id: target["_id"] }, 1);
      return { lastErrorObject: { n: target === undefined ? 0 : 1 }, value: shown(target) };
    }
    const update = command["update"] as Document;
    if (target === undefined) {
      if (command["upsert"] !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
      const document = updateDocument(upsertSeed(filter), update, true);
      collection.insert(document);
      const inserted = collection.documents[collection.documents.length - 1];
      return { lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted?.["_id"] }, value: command["new"] === true ? shown(inserted) : null };
    }
    const after = updateDocument(target, update, false);
    collection.replace(target, after);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(command["new"] === true ? after : target) };
  },
};

function extraErrorFields(error: CommandError): Document {
  const extra = error as unknown as { keyPattern?: Document; keyValue?: Document };
  return extra.keyPattern === undefined ? {} : { keyPattern: extra.keyPattern, keyValue: extra.keyValue };
}
