import { describe, expect, it } from "vitest";
import { extractSnippets } from "./extract-snippets.js";

describe("extractSnippets", () => {
  it("finds ts blocks with their line and run flag, and skips other languages", () => {
    const md = ["# T", "```ts", "const a = 1;", "```", "```sh", "ls", "```", "```ts no-run", "connect();", "```"].join("\n");
    expect(extractSnippets(md)).toEqual([
      { line: 2, code: "const a = 1;\n", run: true },
      { line: 8, code: "connect();\n", run: false },
    ]);
  });
});
