import type { Finding } from "./finding.js";

// Inline links and images `[text](target "title")`, reference definitions `[id]: target`,
// and the href/src of HTML tags: every way a README on npm can point somewhere.
const INLINE = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+["'(].*)?$/gm;
const HTML = /\b(?:href|src)\s*=\s*["']([^"']+)["']/gi;
const FENCE = /^(```|~~~)[\s\S]*?^\1/gm;

/**
 * Links in a published README that work on npm: npm shows the README without the
 * repository around it, so a path such as `../core/README.md` is a dead link there.
 * Absolute URLs and in-page anchors are fine; code blocks are not links.
 */
export function checkReadmeLinks(name: string, readme: string): Finding[] {
  const text = readme.replace(FENCE, "");
  const relative = new Set<string>();
  for (const pattern of [INLINE, REFERENCE, HTML]) {
    for (const match of text.matchAll(pattern)) {
      const target = match[1] ?? "";
      if (!/^(?:[a-z][a-z0-9+.-]*:|#)/i.test(target)) relative.add(target);
    }
  }
  return [...relative].map((target) => ({
    package: name,
    check: "readme:relative-link",
    message: `README.md links to ${target}, which is dead on npm: use an absolute URL (e.g. https://www.npmjs.com/package/@dashlog/core)`,
  }));
}
