import type { JsonValue } from "@dashlog/core";

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; objects as JSON. */
export function csvField(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  // A leading = + - @ makes spreadsheets run the cell as a formula; a quote mark keeps it text.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly (JsonValue | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
