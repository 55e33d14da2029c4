import { describe, expect, it } from "vitest";
import { csvField, csvRow } from "./csv.js";

describe("csv", () => {
  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("writes objects as JSON, null and missing as empty, numbers as they are", () => {
    expect(csvField({ a: 1, b: [2, "x"] })).toBe('"{""a"":1,""b"":[2,""x""]}"');
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(-0.5)).toBe("-0.5");
    expect(csvField(false)).toBe("false");
  });

  it("keeps a spreadsheet from running a cell as a formula", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
  });

  it("ends rows with CRLF", () => {
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });
});
