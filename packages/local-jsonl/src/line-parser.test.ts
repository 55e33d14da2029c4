import { logRecordSchema, storedRecordSchema } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { ISSUE_TEXT_LENGTH, parseLine, recordSchemaFor } from "./line-parser.js";

const good = '{"timestamp":"2025-10-29T10:30:00.000Z","level":"info","message":"hi","metadata":null,"sequenceNumber":0}';

describe("parseLine", () => {
  it("returns the validated record", () => {
    expect(parseLine(good, logRecordSchema, true)).toEqual({ ok: true, record: JSON.parse(good) });
  });

  it("calls a terminated line that is not JSON malformed", () => {
    const result = parseLine("garbage{", logRecordSchema, true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.kind).toBe("malformed");
    expect(result.issue.message).toMatch(/^not JSON: /);
    expect(result.issue.text).toBe("garbage{");
  });

  it("calls an unterminated line that is not JSON torn", () => {
    const result = parseLine(good.slice(0, 40), logRecordSchema, false);
    expect(result.ok ? undefined : result.issue.kind).toBe("torn");
  });

  it("accepts an unterminated line that parses and validates", () => {
    expect(parseLine(good, logRecordSchema, false).ok).toBe(true);
  });

  it("calls JSON of the wrong shape invalid and names the field", () => {
    const result = parseLine(good.replace('"info"', '"loud"'), logRecordSchema, true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issue.kind).toBe("invalid");
    expect(result.issue.message).toContain("level:");
  });

  it("rejects extra fields on a logs line and a missing sequenceNumber on any stream", () => {
    expect(parseLine(good.replace("}", ',"extra":1}'), logRecordSchema, true).ok).toBe(false);
    expect(parseLine('{"bytes":12}', storedRecordSchema, true).ok).toBe(false);
    expect(parseLine('{"bytes":12,"sequenceNumber":3}', storedRecordSchema, true)).toEqual({
      ok: true,
      record: { bytes: 12, sequenceNumber: 3 },
    });
  });

  it("quotes only the start of a long bad line", () => {
    const result = parseLine("x".repeat(ISSUE_TEXT_LENGTH * 5), logRecordSchema, true);
    expect(result.ok ? "" : result.issue.text).toHaveLength(ISSUE_TEXT_LENGTH + 1);
  });
});

describe("recordSchemaFor", () => {
  it("is strict for logs and loose for other streams", () => {
    const extra = { ...JSON.parse(good), extra: 1 };
    expect(recordSchemaFor("logs").safeParse(extra).success).toBe(false);
    expect(recordSchemaFor("bytes").safeParse(extra).success).toBe(true);
  });
});

describe("parseLine on a line glued onto a torn write", () => {
  const torn = '{"timestamp":"2025-10-29T10:30:00.000Z","level":"info","message":"cut sh';

  it("keeps the complete record after the torn text and reports the torn text", () => {
    const result = parseLine(torn + good, logRecordSchema, true);
    expect(result).toEqual({ ok: true, record: JSON.parse(good), torn: expect.objectContaining({ kind: "torn", text: torn }) });
  });

  it("is not fooled by a nested object of the torn part", () => {
    const nested = '{"timestamp":"2025-10-29T10:30:00.000Z","level":"info","message":"m","metadata":{"a":{"b":1}';
    const result = parseLine(nested + good, logRecordSchema, true);
    expect(result.ok && result.record).toEqual(JSON.parse(good));
  });

  it("still calls a line with no complete record in it malformed", () => {
    expect(parseLine(torn + torn, logRecordSchema, true)).toMatchObject({ ok: false, issue: { kind: "malformed" } });
  });

  it("does not split an unterminated last line", () => {
    expect(parseLine(torn + good, logRecordSchema, false)).toMatchObject({ ok: false, issue: { kind: "torn" } });
  });
});
