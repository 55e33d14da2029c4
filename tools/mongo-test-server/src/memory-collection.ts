import { BSON, ObjectId, type Document } from "bson";
import { CommandError, badValue } from "./command-error.js";
import { compareValues } from "./compare-values.js";
import { getPath } from "./document-path.js";
import { matchFilter } from "./match-filter.js";
import { SortedView, rangeOf } from "./sorted-view.js";
import { storedBytes } from "./stored-bytes.js";

export interface IndexSpec {
  readonly v: number;
  readonly key: Document;
  readonly name: string;
  readonly unique?: boolean;
}

/** The largest document MongoDB stores (16 MiB). */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

/** One collection held in memory, with its indexes (only unique ones change behaviour: they refuse duplicates). */
export class MemoryCollection {
  readonly namespace: string;
  #documents: Document[] = [];
  readonly #indexes = new Map<string, IndexSpec>();
  /** The unique indexes with their key paths and the keys taken; an array, checked on every insert. */
  readonly #unique: UniqueIndex[] = [];

  readonly #onInsert: ((document: Document) => void) | undefined;
  /** Documents ordered by a field, built by the first limited query sorted on it; dropped by any change it cannot follow. */
  readonly #views = new Map<string, SortedView>();

  constructor(namespace: string, onInsert?: (document: Document) => void) {
    this.namespace = namespace;
    this.#onInsert = onInsert;
    this.#addIndex({ v: 2, key: { _id: 1 }, name: "_id_" }, true);
  }

  get documents(): readonly Document[] {
    return this.#documents;
  }

  get indexes(): IndexSpec[] {
    return [...this.#indexes.values()];
  }

  /** Creates an index; the same name and key again is a no-op, as in MongoDB. Returns whether it was new. */
  createIndex(spec: Document): boolean {
    const key = spec["key"] as Document | undefined;
    const name = spec["name"] as string | undefined;
    if (key === undefined || typeof key !== "object" || Object.keys(key).length === 0) throw badValue("index key must be a non-empty object");
    if (typeof name !== "string") throw badValue("index name must be a string");
    const existing = this.#indexes.get(name);
    if (existing !== undefined) {
      if (JSON.stringify(existing.key) !== JSON.stringify(key) || Boolean(existing.unique) !== Boolean(spec["unique"])) {
        throw new CommandError(86, "IndexKeySpecsConflict", `An existing index has the same name as the requested index: ${name}`);
      }
      return false;
    }
    for (const other of this.#indexes.values()) {
      if (JSON.stringify(other.key) === JSON.stringify(key) && Boolean(other.unique) === Boolean(spec["unique"])) return false;
      if (JSON.stringify(other.key) === JSON.stringify(key)) {
        throw new CommandError(85, "IndexOptionsConflict", `Index already exists with different options: ${other.name}`);
      }
    }
    this.#addIndex({ v: 2, key, name, ...(spec["unique"] === true ? { unique: true } : {}) }, spec["unique"] === true);
    return true;
  }

  /**
   * Drops an index, named or by its key pattern, as `dropIndexes` does: `_id_` cannot be
   * dropped (72) and an unknown one is IndexNotFound (27), with MongoDB's messages.
   */
  dropIndex(which: string | Document): void {
    const name = typeof which === "string" ? which : [...this.#indexes.values()].find((i) => JSON.stringify(i.key) === JSON.stringify(which))?.name;
    if (name === undefined) throw new CommandError(27, "IndexNotFound", `can't find index with key: ${JSON.stringify(which)}`);
    if (name === "_id_") throw new CommandError(72, "InvalidOptions", "cannot drop _id index");
    if (!this.#indexes.delete(name)) throw new CommandError(27, "IndexNotFound", `index not found with name [${name}]`);
    const unique = this.#unique.findIndex((u) => u.spec.name === name);
    if (unique >= 0) this.#unique.splice(unique, 1);
  }

  #addIndex(spec: IndexSpec, unique: boolean): void {
    if (unique) {
      const index: UniqueIndex = { spec, paths: Object.keys(spec.key), keys: new Set<string>() };
      for (const document of this.#documents) {
        const k = indexKey(document, index.paths);
        if (index.keys.has(k)) throw duplicateKey(this.namespace, spec, document);
        index.keys.add(k);
      }
      this.#unique.push(index);
    }
    this.#indexes.set(spec.name, spec);
  }

  /** Inserts one document or throws the write error MongoDB would report for it. */
  insert(document: Document): void {
    if (document["_id"] === undefined) document = { _id: new ObjectId(), ...document };
    const size = storedBytes(document)?.length ?? BSON.calculateObjectSize(document);
    if (size > MAX_BSON_OBJECT_SIZE) {
      throw new CommandError(10334, "BSONObjectTooLarge", `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
    }
    const keys = this.#checkUnique(document, undefined);
    for (let i = 0; i < keys.length; i++) this.#unique[i]?.keys.add(keys[i] as string);
    this.#documents.push(document);
    for (const [path, view] of this.#views) if (!view.append(document)) this.#views.delete(path);
    this.#onInsert?.(document);
  }

  find(filter: Document | undefined): Document[] {
    return this.#documents.filter((d) => matchFilter(d, filter));
  }

  /**
   * `sortDocuments(find(filter), { [path]: direction }).slice(0, count)`, the same documents
   * in the same order, read from a view sorted on `path`: it starts where the filter's range
   * on `path` begins and stops after `count` matches.
   */
  findSorted(filter: Document | undefined, path: string, direction: 1 | -1, count: number): Document[] {
    let view = this.#views.get(path);
    if (view === undefined) {
      view = new SortedView(path, this.#documents);
      this.#views.set(path, view);
    }
    const { lower, upper } = rangeOf(filter, path);
    const documents = view.documents;
    const out: Document[] = [];
    if (direction === 1) {
      const end = upper === undefined ? documents.length : view.upperIndex(upper[0], upper[1]);
      for (let i = lower === undefined ? 0 : view.lowerIndex(lower[0], lower[1]); i < end && out.length < count; i++) {
        const document = documents[i] as Document;
        if (matchFilter(document, filter)) out.push(document);
      }
      return out;
    }
    // Descending: ties keep insertion order, as the stable sort with a reversed comparison does.
    const start = lower === undefined ? 0 : view.lowerIndex(lower[0], lower[1]);
    let i = upper === undefined ? documents.length : view.upperIndex(upper[0], upper[1]);
    while (i > start && out.length < count) {
      const value = getPath(documents[i - 1] as Document, path);
      let first = i - 1;
      while (first > start && compareValues(getPath(documents[first - 1] as Document, path), value) === 0) first--;
      for (let j = first; j < i && out.length < count; j++) {
        const document = documents[j] as Document;
        if (matchFilter(document, filter)) out.push(document);
      }
      i = first;
    }
    return out;
  }

  /** Replaces `before` by `after` in place, keeping unique indexes right. */
  replace(before: Document, after: Document): void {
    const keys = this.#checkUnique(after, before);
    for (const index of this.#unique) index.keys.delete(indexKey(before, index.paths));
    for (let i = 0; i < keys.length; i++) this.#unique[i]?.keys.add(keys[i] as string);
    const index = this.#documents.indexOf(before);
    if (index >= 0) this.#documents[index] = after;
    this.#views.clear();
  }

  delete(filter: Document | undefined, limit: number): number {
    let removed = 0;
    const kept: Document[] = [];
    for (const document of this.#documents) {
      if ((limit === 0 || removed < limit) && matchFilter(document, filter)) {
        removed++;
        for (const index of this.#unique) index.keys.delete(indexKey(document, index.paths));
      } else {
        kept.push(document);
      }
    }
    this.#documents = kept;
    if (removed > 0) this.#views.clear();
    return removed;
  }

  /** The document's key in each unique index (in `#unique`'s order), or the duplicate-key error MongoDB would give. */
  #checkUnique(document: Document, replacing: Document | undefined): string[] {
    const keys: string[] = [];
    for (const index of this.#unique) {
      const key = indexKey(document, index.paths);
      if (index.keys.has(key) && (replacing === undefined || indexKey(replacing, index.paths) !== key)) {
        throw duplicateKey(this.namespace, index.spec, document);
      }
      keys.push(key);
    }
    return keys;
  }
}

interface UniqueIndex {
  readonly spec: IndexSpec;
  readonly paths: readonly string[];
  readonly keys: Set<string>;
}

function indexKey(document: Document, paths: readonly string[]): string {
  let out = "";
  for (const path of paths) {
    const value = getPath(document, path);
    out += `${encodeKeyValue(value)}\u0000`;
  }
  return out;
}

function encodeKeyValue(value: unknown): string {
  if (value === undefined || value === null) return "z";
  if (typeof value === "number" || typeof value === "bigint") return `n${String(value)}`;
  if (typeof value === "string") return `s${value}`;
  if (value instanceof Date) return `d${value.getTime()}`;
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  return `x${Buffer.from(BSON.serialize({ v: value })).toString("base64")}`;
}

function duplicateKey(namespace: string, spec: IndexSpec, document: Document): CommandError {
  const keyValue: Document = {};
  for (const path of Object.keys(spec.key)) keyValue[path] = getPath(document, path) ?? null;
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${JSON.stringify(v instanceof Date ? v.toISOString() : v instanceof ObjectId ? v.toHexString() : v)}`)
    .join(", ");
  const error = new CommandError(11000, "DuplicateKey", `E11000 duplicate key error collection: ${namespace} index: ${spec.name} dup key: { ${shown} }`);
  Object.assign(error, { keyPattern: spec.key, keyValue });
  return error;
}

/** Sorts documents by a MongoDB sort spec such as `{ sequenceNumber: -1 }`. */
export function sortDocuments(documents: Document[], sort: Document | undefined): Document[] {
  if (sort === undefined || Object.keys(sort).length === 0) return documents;
  const fields = Object.entries(sort).map(([path, direction]) => {
    if (direction !== 1 && direction !== -1) throw badValue(`sort direction for ${path} must be 1 or -1`);
    return [path, direction] as const;
  });
  return [...documents].sort((a, b) => {
    for (const [path, direction] of fields) {
      const c = compareValues(getPath(a, path), getPath(b, path));
      if (c !== 0) return c * direction;
    }
    return 0;
  });
}
