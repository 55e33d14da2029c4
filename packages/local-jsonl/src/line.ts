/** One line of a JSONL file, as the forward and backward line readers yield it. */
export interface Line {
  /** The line's text, without its `\n` (or `\r\n`) terminator. */
  readonly text: string;
  /** False only for a last line with no `\n` after it: a write still in progress or cut short. */
  readonly terminated: boolean;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
  /** Byte offset just past the line, terminator included: where the next line starts. */
  readonly end: number;
}

/** The `\n` byte that ends every line. */
export const NEWLINE = 0x0a;
const CARRIAGE_RETURN = "\r";
const BYTE_ORDER_MARK = "\uFEFF";

/**
 * Decodes one line's bytes. Lines are split on the `\n` byte, which never occurs inside a
 * multi-byte UTF-8 character, so a complete line always decodes cleanly whatever the chunking.
 */
export function decodeLine(bytes: Uint8Array, offset: number): string {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  // Files edited by hand on Windows may carry CRLF endings and a byte-order mark.
  if (text.endsWith(CARRIAGE_RETURN)) text = text.slice(0, -1);
  if (offset === 0 && text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
  return text;
}
