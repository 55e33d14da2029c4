const ESCAPED = /[%$.\u0000]/g;
const ENCODED = /%([0-9A-Fa-f]{2})/g;

/** Fields the sink adds to every document; a record field with one of these names is stored with its first letter escaped. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(["_id", "experiment", "stream"]);

/**
 * Percent-encodes `%`, `$`, `.` and NUL in a field name (`loss.val` -> `loss%2Eval`), so any
 * JSON key can be stored and queried; `unescapeKey` reverses it exactly.
 */
export function escapeKey(key: string): string {
  if (!needsEscape(key)) return key;
  return key.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * True when a field name holds a character MongoDB treats specially (`$` operators, `.`
 * paths), the escape character `%` itself, or NUL. A loop rather than a regex: it runs for
 * every key of every record, and field names are short.
 */
export function needsEscape(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 0x25 || c === 0x24 || c === 0x2e || c === 0) return true;
  }
  return false;
}

/** A top-level record field: also keeps user fields from colliding with `_id`, `experiment` and `stream`. */
export function escapeTopLevelKey(key: string): string {
  if (RESERVED_FIELDS.has(key)) return `%${key.charCodeAt(0).toString(16).toUpperCase()}${key.slice(1)}`;
  return escapeKey(key);
}

export function unescapeKey(key: string): string {
  if (!key.includes("%")) return key;
  return key.replace(ENCODED, (_all, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
