/**
 * JSON.parse, plus the bare `NaN`, `Infinity` and `-Infinity` that Python's `json.dumps`
 * (and so ml-dash) writes for non-finite floats. They are read as the strings "NaN",
 * "Infinity" and "-Infinity": what dashlog itself writes for those numbers. Only a line
 * that JSON.parse refuses is rescanned, so valid JSON costs nothing extra.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const repaired = quoteNonFiniteNumbers(text);
    if (repaired === undefined) throw error;
    try {
      return JSON.parse(repaired);
    } catch {
      throw error;
    }
  }
}

const TOKENS = ["-Infinity", "Infinity", "NaN"] as const;

/** The text with each bare non-finite token outside strings quoted; undefined when there is none. */
function quoteNonFiniteNumbers(text: string): string | undefined {
  if (!text.includes("NaN") && !text.includes("Infinity")) return undefined;
  let out = "";
  let from = 0;
  let inString = false;
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d /* - */ && c !== 0x49 /* I */ && c !== 0x4e /* N */) continue;
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (token === undefined) continue;
    out += `${text.slice(from, i)}"${token}"`;
    i += token.length - 1;
    from = i + 1;
    found = true;
  }
  return found ? out + text.slice(from) : undefined;
}
