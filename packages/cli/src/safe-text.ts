/**
 * Replaces control characters (ESC, BEL, CR, ...) with visible escapes, so a logged message
 * cannot move the cursor, recolour or retitle the reader's terminal. Tabs and, when
 * `keepNewlines`, line feeds stay.
 */
export function safeText(text: string, keepNewlines = false): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n" && keepNewlines) return c;
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
