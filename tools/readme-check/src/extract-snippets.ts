export interface Snippet {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** False for fences marked `ts no-run`: type-checked only (e.g. they need a server). */
  readonly run: boolean;
}

const FENCE = /^```(\S*)(.*)$/;

/** The ```ts / ```typescript blocks of a Markdown text. */
export function extractSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? "");
    if (!open || !["ts", "typescript"].includes(open[1] ?? "")) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] ?? "").startsWith("```")) body.push(lines[j++] ?? "");
    snippets.push({ line: i + 1, code: body.join("\n") + "\n", run: !(open[2] ?? "").includes("no-run") });
    i = j;
  }
  return snippets;
}
