import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { afterAll, describe, expect, it } from "vitest";

describe("snippets of the guide and of CONTRIBUTING.md", () => {
  const docsDir = fileURLToPath(new URL("..", import.meta.url));
  const dirs: string[] = [];

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // checkReadme reads <dir>/README.md: give it the document, in a throwaway folder inside docs/.
  async function check(markdown: string) {
    const dir = await mkdtemp(join(docsDir, ".fixture-doc-"));
    dirs.push(dir);
    await writeFile(join(dir, "README.md"), markdown);
    return checkReadme(dir);
  }

  it("the guide's snippets type-check, and the runnable ones run", async () => {
    const guide = readFileSync(join(docsDir, "write-your-own-sink.md"), "utf8");
    // The wiring snippet imports the example as a neighbour would; point it at the real file.
    const result = await check(guide.replaceAll('"./http-sink.js"', '"../../examples/http-sink.js"'));
    expect(result.typeErrors).toBe("");
    expect(result.snippets).toBe(3);
    // The smallest sink prints; the HTTP sink module only defines a function.
    expect(result.outputs.map((o) => o.stdout)).toEqual(["alice/print logs 1\n", ""]);
  }, 60_000);

  it("CONTRIBUTING.md's TypeScript snippets type-check and run", async () => {
    const result = await check(readFileSync(join(docsDir, "..", "CONTRIBUTING.md"), "utf8"));
    expect(result.typeErrors).toBe("");
    expect(result.snippets).toBeGreaterThanOrEqual(1);
    expect(result.ran).toBe(result.snippets);
  }, 60_000);
});
