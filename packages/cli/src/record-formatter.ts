import type { JsonValue, StoredRecord } from "@dashlog/core";
import { painter, type Paint, type Style } from "./color.js";
import { safeText } from "./safe-text.js";

const LEVEL_STYLES: Record<string, Style[]> = {
  debug: ["gray"],
  info: ["green"],
  warn: ["yellow", "bold"],
  error: ["red", "bold"],
  fatal: ["magenta", "bold", "inverse"],
};

/** Where a multi-line metadata value (a stack trace) continues: under the message. */
const CONTINUATION = "    ";

export interface RecordFormatterOptions {
  readonly color: boolean;
  /** Sequence numbers are right-aligned to at least this many digits. Default 4. */
  readonly sequenceWidth?: number;
}

/**
 * Formats one record as aligned lines for a person: `timestamp  LEVEL  #seq  message  key=value ...`.
 * Records of other streams (no level or message) show their fields as `key=value`.
 * Multi-line strings in metadata (stack traces) follow on indented lines.
 */
export function recordFormatter(options: RecordFormatterOptions): (record: StoredRecord) => string {
  const paint = painter(options.color);
  const width = options.sequenceWidth ?? 4;
  return (record) => {
    const parts: string[] = [];
    const { timestamp, level, message, metadata, sequenceNumber, ...rest } = record;
    // Streams other than logs usually carry no time: they start at the sequence number.
    if (typeof timestamp === "string") parts.push(paint(formatTimestamp(timestamp), "dim"));
    if (typeof level === "string") parts.push(paint(level.toUpperCase().padEnd(5), ...(LEVEL_STYLES[level] ?? [])));
    parts.push(paint(`#${sequenceNumber}`.padStart(width + 1), "cyan"));
    const after: string[] = [];
    let line = parts.join("  ");
    if (typeof message === "string") line += `  ${safeText(message)}`;
    const fields: Record<string, JsonValue | undefined> =
      metadata !== undefined && metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? { ...metadata } : {};
    if (metadata !== undefined && metadata !== null && (typeof metadata !== "object" || Array.isArray(metadata))) fields["metadata"] = metadata;
    if (typeof timestamp !== "string" && timestamp !== undefined) fields["timestamp"] = timestamp;
    if (typeof level !== "string" && level !== undefined) fields["level"] = level;
    if (typeof message !== "string" && message !== undefined) fields["message"] = message;
    Object.assign(fields, rest);
    const pairs: string[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (typeof value === "string" && value.includes("\n")) {
        after.push(paint(`${CONTINUATION}${safeText(key)}:`, "dim"));
        for (const l of value.split("\n")) after.push(`${CONTINUATION}  ${safeText(l)}`);
        continue;
      }
      pairs.push(`${paint(`${safeText(key)}=`, "dim")}${formatValue(value, paint)}`);
    }
    if (pairs.length > 0) line += `  ${pairs.join(" ")}`;
    return [line, ...after].join("\n");
  };
}

/** `2025-10-29T10:30:00.000Z` as `2025-10-29 10:30:00.000Z`: a space reads faster than the `T`. */
function formatTimestamp(iso: string): string {
  return safeText(iso.replace("T", " ")).padEnd(24);
}

function formatValue(value: JsonValue, paint: Paint): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? safeText(value) : safeText(JSON.stringify(value));
  if (typeof value === "number" || typeof value === "boolean") return paint(String(value), "blue");
  if (value === null) return paint("null", "gray");
  return safeText(JSON.stringify(value));
}
