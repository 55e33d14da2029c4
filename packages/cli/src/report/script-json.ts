/**
 * JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&` become `\u003c` ...
 * (so a logged `</script>` or `<!--` cannot end or change the element), and U+2028/U+2029
 * are escaped for older JavaScript parsers. JSON.parse reads it back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * JavaScript source made safe to inline in a `<script>` element. `<\/` and `<\!` mean the
 * same as `</` and `<!` inside JavaScript strings, regular expressions and comments, the only
 * places those sequences can occur in valid code.
 */
export function inlineScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
