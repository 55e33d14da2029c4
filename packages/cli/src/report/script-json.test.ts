import { expect, it } from "vitest";
import { escapeHtml, inlineScript, scriptJson } from "./script-json.js";

it("embeds JSON that cannot close a script element and parses back unchanged", () => {
  const value = { message: "</script><script>alert(1)</script><!-- & \u2028 \u2029", n: 1 };
  const text = scriptJson(value);
  expect(text).not.toMatch(/[<>&\u2028\u2029]/);
  expect(JSON.parse(text)).toEqual(value);
});

it("makes inline JavaScript safe without changing what it means", () => {
  const source = 'var s = "</script>"; var c = "<!--";';
  const safe = inlineScript(source);
  expect(safe).not.toMatch(/<\/script|<!--/i);
  expect(new Function(`${safe}; return [s, c];`)()).toEqual(["</script>", "<!--"]);
});

it("escapes HTML text and attributes", () => {
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;");
});
