import { LOGS_STREAM, storedRecordSchema, type ReadIssue, type StoredRecord } from "@dashlog/core";
import type { z } from "zod";
import { parseLenientJson } from "./lenient-json.js";
import { lenientLogRecordSchema } from "./ml-dash-log-schema.js";

/** How much of an offending line an issue quotes: enough to recognise it, never a whole huge line. */
export const ISSUE_TEXT_LENGTH = 200;

/** A line's outcome: its record, or what is wrong with it (the caller knows the line number). */
export type ParsedLine<T> =
  | { readonly ok: true; readonly record: T; readonly torn?: Omit<ReadIssue, "line"> }
  | { readonly ok: false; readonly issue: Omit<ReadIssue, "line"> };

/** How many places a line glued onto a torn write is tried at before it is called malformed. */
const GLUED_CANDIDATES = 64;

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
    const glued = terminated ? recoverGlued(text, schema) : undefined;
    if (glued !== undefined) return glued;
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
 * Several workers of a joined run append to one file. A worker killed (SIGKILL) in the middle
 * of its write(2) leaves a line without its end, and the next worker's batch starts right
 * after it, on the same line. The complete record at the end of that line is kept: it is
 * the first place a `{"` starts text that parses and validates as a whole record (a nested
 * object of the torn part cannot, its closing braces are missing or too many). Only lines
 * that fail to parse pay for this.
 */
function recoverGlued<S extends z.ZodType>(text: string, schema: S): ParsedLine<z.output<S>> | undefined {
  let at = text.indexOf('{"', 1);
  for (let tried = 0; at > 0 && tried < GLUED_CANDIDATES; tried++, at = text.indexOf('{"', at + 1)) {
    // Not `terminated`: the candidate itself is never split again.
    const parsed = parseLine(text.slice(at), schema, false);
    if (!parsed.ok) continue;
    const torn = issueFor("torn", "a write cut short (its writer was killed?) with a complete record after it on the same line: the record is kept", text.slice(0, at));
    return { ok: true, record: parsed.record, torn };
  }
  return undefined;
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
  return { ok: false, issue: issueFor(kind, message, text) };
}

function issueFor(kind: ReadIssue["kind"], message: string, text: string): Omit<ReadIssue, "line"> {
  const quoted = text.length > ISSUE_TEXT_LENGTH ? `${text.slice(0, ISSUE_TEXT_LENGTH)}…` : text;
  return { kind, message, text: quoted };
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => `${issue.path.length === 0 ? "(record)" : issue.path.map(String).join(".")}: ${issue.message}`)
    .join("; ");
}
