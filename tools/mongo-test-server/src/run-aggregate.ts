import type { Document } from "bson";
import { applyProjection } from "./apply-projection.js";
import { badValue } from "./command-error.js";
import { compareValues } from "./compare-values.js";
import { getPath } from "./document-path.js";
import { matchFilter } from "./match-filter.js";
import { sortDocuments } from "./memory-collection.js";

/** The aggregation stages the driver's helpers use ($match, $sort, $skip, $limit, $project, $group, $count). */
export function runAggregate(documents: readonly Document[], pipeline: readonly Document[]): Document[] {
  let out: Document[] = [...documents];
  for (const stage of pipeline) {
    const [name, spec] = Object.entries(stage)[0] ?? [];
    switch (name) {
      case "$match":
        out = out.filter((d) => matchFilter(d, spec as Document));
        break;
      case "$sort":
        out = sortDocuments(out, spec as Document);
        break;
      case "$skip":
        out = out.slice(Number(spec));
        break;
      case "$limit":
        out = out.slice(0, Number(spec));
        break;
      case "$project":
        out = out.map((d) => applyProjection(d, spec as Document));
        break;
      case "$count":
        out = [{ [String(spec)]: out.length }];
        break;
      case "$group":
        out = group(out, spec as Document);
        break;
      default:
        throw badValue(`the test server does not support the aggregation stage ${String(name)}`);
    }
  }
  return out;
}

function evaluate(document: Document, expression: unknown): unknown {
  if (typeof expression === "string" && expression.startsWith("$")) return getPath(document, expression.slice(1));
  return expression;
}

function group(documents: Document[], spec: Document): Document[] {
  const groups = new Map<string, Document>();
  for (const document of documents) {
    const id = evaluate(document, spec["_id"]) ?? null;
    const key = JSON.stringify(id);
    let acc = groups.get(key);
    if (acc === undefined) {
      acc = { _id: id };
      groups.set(key, acc);
    }
    for (const [field, accumulator] of Object.entries(spec)) {
      if (field === "_id") continue;
      const [op, arg] = Object.entries(accumulator as Document)[0] ?? [];
      const value = evaluate(document, arg);
      const current = acc[field];
      switch (op) {
        case "$sum":
          acc[field] = (typeof current === "number" ? current : 0) + (typeof value === "number" ? value : 0);
          break;
        case "$max":
          if (value !== undefined && (current === undefined || compareValues(value, current) > 0)) acc[field] = value;
          break;
        case "$min":
          if (value !== undefined && (current === undefined || compareValues(value, current) < 0)) acc[field] = value;
          break;
        case "$first":
          if (!(field in acc)) acc[field] = value;
          break;
        case "$last":
          acc[field] = value;
          break;
        default:
          throw badValue(`the test server does not support the accumulator ${String(op)}`);
      }
    }
  }
  return [...groups.values()];
}
