import { describe, expect, it } from "vitest";
import { DEFAULT_PINO_LINE_FORMAT } from "./pino-levels.js";
import { parsePinoLine } from "./pino-line.js";

const parse = (line: string) => parsePinoLine(line, DEFAULT_PINO_LINE_FORMAT);

describe("parsePinoLine", () => {
  it("takes level and msg out and keeps every other field as metadata", () => {
    expect(parse('{"level":40,"time":1700000000000,"pid":7,"hostname":"h","reqId":"r1","msg":"slow"}')).toEqual({
      level: "warn",
      message: "slow",
      metadata: { time: 1700000000000, pid: 7, hostname: "h", reqId: "r1" },
    });
  });

  it("keeps pino's level in metadata.pinoLevel when the dashlog level cannot say it", () => {
    expect(parse('{"level":10,"msg":"t"}')).toEqual({ level: "debug", message: "t", metadata: { pinoLevel: 10 } });
    expect(parse('{"level":35,"msg":"n"}')).toEqual({ level: "info", message: "n", metadata: { pinoLevel: 35 } });
    expect(parse('{"level":30,"msg":"i"}')).toEqual({ level: "info", message: "i", metadata: null });
  });

  it("reads level labels, custom ones through the logger's levels", () => {
    const format = { ...DEFAULT_PINO_LINE_FORMAT, levels: { values: { notice: 35, trace: 10 } } };
    expect(parsePinoLine('{"level":"notice","msg":"n"}', format)).toMatchObject({ level: "info", metadata: { pinoLevel: "notice" } });
    expect(parse('{"level":"trace","msg":"t"}')).toMatchObject({ level: "debug", metadata: { pinoLevel: "trace" } });
    expect(parse('{"level":"warn","msg":"w"}')).toEqual({ level: "warn", message: "w", metadata: null });
    expect(parse('{"level":"verbose","msg":"v"}')).toMatchObject({ level: "info", metadata: { pinoLevel: "verbose" } });
  });

  it("uses the error's message when a line has an err and no msg", () => {
    const line = JSON.stringify({ level: 50, err: { type: "Error", message: "disk full", stack: "Error: disk full" } });
    expect(parse(line)).toEqual({
      level: "error",
      message: "disk full",
      metadata: { err: { type: "Error", message: "disk full", stack: "Error: disk full" } },
    });
  });

  it("follows messageKey and errorKey", () => {
    const format = { messageKey: "message", errorKey: "error" };
    expect(parsePinoLine('{"level":30,"message":"hi","msg":"other"}', format)).toEqual({ level: "info", message: "hi", metadata: { msg: "other" } });
    expect(parsePinoLine('{"level":50,"error":{"message":"bad"}}', format).message).toBe("bad");
  });

  it("keeps a line that is not a JSON object as an info record", () => {
    expect(parse("plain text\r")).toEqual({ level: "info", message: "plain text", metadata: { unparsed: true } });
    expect(parse("[1,2]")).toEqual({ level: "info", message: "[1,2]", metadata: { unparsed: true } });
  });

  it("turns a non-string message into text and keeps a __proto__ field as data", () => {
    const entry = parse('{"level":30,"msg":42,"__proto__":{"polluted":true}}');
    expect(entry.message).toBe("42");
    expect(Object.getPrototypeOf(entry.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.hasOwn(entry.metadata ?? {}, "__proto__")).toBe(true);
  });
});
