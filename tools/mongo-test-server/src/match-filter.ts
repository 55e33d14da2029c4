import type { Document } from "bson";
import { badValue } from "./command-error.js";
import { compareValues, valuesEqual } from "./compare-values.js";
import { getPath } from "./document-path.js";

/** True when `document` matches the query `filter` (the subset of MongoDB's query language listed in the README). */
export function matchFilter(document: Document, filter: Document | undefined): boolean {
  if (filter === undefined) return true;
  for (const [key, condition] of Object.entries(filter)) {
    if (key === "$and") {
      if (!asArray(key, condition).every((f) => matchFilter(document, f))) return false;
    } else if (key === "$or") {
      if (!asArray(key, condition).some((f) => matchFilter(document, f))) return false;
    } else if (key === "$nor") {
      if (asArray(key, condition).some((f) => matchFilter(document, f))) return false;
    } else if (key.startsWith("$")) {
      throw badValue(`unknown top level operator: ${key}`);
    } else if (!matchField(getPath(document, key), condition)) {
      return false;
    }
  }
  return true;
}

function asArray(key: string, value: unknown): Document[] {
  if (!Array.isArray(value) || value.length === 0) throw badValue(`${key} must be a nonempty array`);
  return value as Document[];
}

function isOperatorObject(condition: unknown): condition is Record<string, unknown> {
  if (condition === null || typeof condition !== "object" || Array.isArray(condition) || condition instanceof Date) return false;
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.every((k) => k.startsWith("$"));
}

function matchField(value: unknown, condition: unknown): boolean {
  if (!isOperatorObject(condition)) return equalsOrContains(value, condition);
  for (const [op, operand] of Object.entries(condition)) {
    if (!matchOperator(value, op, operand)) return false;
  }
  return true;
}

function equalsOrContains(value: unknown, expected: unknown): boolean {
  if (valuesEqual(value, expected)) return true;
  return Array.isArray(value) && !Array.isArray(expected) && value.some((item) => valuesEqual(item, expected));
}

function comparable(value: unknown, operand: unknown): boolean {
  // Range operators only compare values of the same kind, as MongoDB does (no number vs date).
  const kind = (v: unknown) => (v instanceof Date ? "date" : typeof v === "bigint" ? "number" : typeof v);
  return value !== undefined && value !== null && kind(value) === kind(operand);
}

function matchOperator(value: unknown, op: string, operand: unknown): boolean {
  switch (op) {
    case "$eq":
      return equalsOrContains(value, operand);
    case "$ne":
      return !equalsOrContains(value, operand);
    case "$gt":
      return comparable(value, operand) && compareValues(value, operand) > 0;
    case "$gte":
      return comparable(value, operand) && compareValues(value, operand) >= 0;
    case "$lt":
      return comparable(value, operand) && compareValues(value, operand) < 0;
    case "$lte":
      return comparable(value, operand) && compareValues(value, operand) <= 0;
    case "$in":
      if (!Array.isArray(operand)) throw badValue("$in needs an array");
      return operand.some((item) => equalsOrContains(value, item));
    case "$nin":
      if (!Array.isArray(operand)) throw badValue("$nin needs an array");
      return !operand.some((item) => equalsOrContains(value, item));
    case "$exists":
      return (value !== undefined) === Boolean(operand);
    case "$not":
      return !matchField(value, operand);
    default:
      throw badValue(`unknown operator: ${op}`);
  }
}
