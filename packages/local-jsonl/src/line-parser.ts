import { LOGS_STREAM, logRecordSchema, storedRecordSchema, type ReadIssue, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";

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
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return terminated
      ? problem("malformed", `not JSON: ${reason}`, text)
      : problem("torn", `unterminated last line is not JSON (a write cut short?): ${reason}`, text);
  }
  const result = schema.safeParse(value);
  // The parsed JSON itself, not zod's copy: the copy drops a top-level "__proto__" field and
  // reorders keys, and neither schema transforms anything.
  if (result.success) return { ok: true, record: value as z.output<S> };
  return problem("invalid", `not a valid record: ${describeIssues(result.error.issues)}`, text);
}

/**
 * The schema a stream's lines must match: the seed's exact five fields for `logs`, any object
 * with a `sequenceNumber` for the others.
 */
export function recordSchemaFor(stream: string): z.ZodType<StoredRecord> {
  // Both schemas accept only what JSON.parse produced, so every field is a JSON value; zod's
  // `unknown` for the extra fields of a loose object cannot say that.
  return (stream === LOGS_STREAM ? logRecordSchema : storedRecordSchema) as unknown as z.ZodType<StoredRecord>;
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
