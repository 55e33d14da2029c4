import { LOGS_STREAM, storedRecordSchema, type ReadIssue, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";
import { parseLenientJson } from "./lenient-json.js";
import { lenientLogRecordSchema } from "./ml-dash-log-schema.js";

/** How much of an offending line an issue quotes: enough to recognise it, never a whole huge line. */
export const ISSUE_TEXT_LENGTH = 200;

/** A line's outcome: its record, or what is wrong with it (the caller knows the line number). */
export type ParsedLine<T> =
  | { readonly ok: true; readonly record: T }
  | { readonly ok: false; readonly issue: Omit<ReadIssue, "line"> };

/**
 * Parses and validates one line. `terminated` is false for a last line without `\n`: if that
 * fails to parse, it is `torn` (a write cut short) rather than `malformed`; if it parses and
 * validates, the record is good (only the newline was lost).
 */
export function parseLine<S extends z.ZodType>(text: string, schema: S, terminated: boolean): ParsedLine<z.output<S>> {
  let value: unknown;
  try {
    value = parseLenientJson(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return terminated
      ? problem("malformed", `not JSON: ${reason}`, text)
      : problem("torn", `unterminated last line is not JSON (a write cut short?): ${reason}`, text);
  }
  const result = schema.safeParse(value);
  // The parsed JSON itself, not zod's copy: the copy drops a top-level "__proto__" field and
  // reorders keys, and neither schema transforms anything.
  // The log schema's output is the seed's record rebuilt (metadata filled in, seed field
  // order); its metadata object is the parsed one itself, so a "__proto__" key inside survives.
  if (result.success) return { ok: true, record: ((schema as z.ZodType) === lenientLogRecordSchema ? result.data : value) as z.output<S> };
  return problem("invalid", `not a valid record: ${describeIssues(result.error.issues)}`, text);
}

/**
 * The schema a stream's lines must match when read: the seed's five fields for `logs` (read
 * leniently: ml-dash's lines without `metadata` too, see lenientLogRecordSchema), any object
 * with a `sequenceNumber` for the others.
 */
export function recordSchemaFor(stream: string): z.ZodType<StoredRecord> {
  // Both schemas accept only what JSON.parse produced, so every field is a JSON value; zod's
  // `unknown` for the extra fields of a loose object cannot say that.
  return (stream === LOGS_STREAM ? lenientLogRecordSchema : storedRecordSchema) as unknown as z.ZodType<StoredRecord>;
}

function problem(kind: ReadIssue["kind"], message: string, text: string): ParsedLine<never> {
  const quoted = text.length > ISSUE_TEXT_LENGTH ? `${text.slice(0, ISSUE_TEXT_LENGTH)}…` : text;
  return { ok: false, issue: { kind, message, text: quoted } };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length === 0 ? "(record)" : issue.path.map(String).join(".")}: ${issue.message}`)
    .join("; ");
}
