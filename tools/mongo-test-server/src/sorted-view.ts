import type { Document } from "bson";
import { compareValues } from "./compare-values.js";
import { getPath } from "./document-path.js";

/**
 * A collection's documents ordered by one field, kept so that a query sorted on that field
 * with a limit (the readers' keyset paging: `{ sequenceNumber: { $gt: last } }`, sorted by
 * `sequenceNumber`, 1,000 at a time) costs a binary search and the page instead of a filter
 * and a sort of the whole collection per page. Without it, reading a 100,000-record run
 * took a full scan and sort per page, and the server, not the reader, set the pace.
 *
 * Same order as `sortDocuments` (a stable sort of the documents in insertion order), so a
 * query answered through it returns exactly what the filter-and-sort path returns.
 */
export class SortedView {
  readonly path: string;
  readonly documents: Document[];

  constructor(path: string, documents: readonly Document[]) {
    this.path = path;
    this.documents = [...documents].sort((a, b) => compareValues(getPath(a, path), getPath(b, path)));
  }

  /** Keeps the view right after an insert; false when the document does not go last (the caller drops the view). */
  append(document: Document): boolean {
    const last = this.documents.at(-1);
    if (last !== undefined && compareValues(getPath(document, this.path), getPath(last, this.path)) < 0) return false;
    this.documents.push(document);
    return true;
  }

  /**
   * The first index whose value is not below `bound` (`inclusive`) or above it (not inclusive):
   * where an ascending scan for `$gte` / `$gt` starts. Documents before it compare below the
   * bound (or are of another BSON type, which a range operator never matches), so skipping
   * them changes no result.
   */
  lowerIndex(bound: unknown, inclusive: boolean): number {
    let lo = 0;
    let hi = this.documents.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareValues(getPath(this.documents[mid] as Document, this.path), bound);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One past the last index whose value is not above `bound` (`inclusive`) or below it: where a descending scan for `$lte` / `$lt` starts. */
  upperIndex(bound: unknown, inclusive: boolean): number {
    let lo = 0;
    let hi = this.documents.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareValues(getPath(this.documents[mid] as Document, this.path), bound);
      if (c < 0 || (c === 0 && inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The range a filter puts on `path` at its top level, if any: only `$gt`, `$gte`, `$lt`, `$lte` narrow the scan. */
export function rangeOf(filter: Document | undefined, path: string): { lower?: [unknown, boolean]; upper?: [unknown, boolean] } {
  const condition = filter?.[path] as unknown;
  if (condition === null || typeof condition !== "object" || Array.isArray(condition) || condition instanceof Date) return {};
  const ops = condition as Record<string, unknown>;
  const out: { lower?: [unknown, boolean]; upper?: [unknown, boolean] } = {};
  if ("$gte" in ops) out.lower = [ops["$gte"], true];
  else if ("$gt" in ops) out.lower = [ops["$gt"], false];
  if ("$lte" in ops) out.upper = [ops["$lte"], true];
  else if ("$lt" in ops) out.upper = [ops["$lt"], false];
  return out;
}
