import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { checkReadme } from "./check-readme.js";

// A throwaway package inside this tool's folder, so tsconfig.base.json is found above it.
const here = fileURLToPath(new URL("..", import.meta.url));
let dir = "";

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

it("reports type errors and runs nothing when a snippet does not type-check", async () => {
  dir = await mkdtemp(join(here, ".fixture-"));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "README.md"), "```ts\nconst n: number = 'text';\nconsole.log(n);\n```\n");
  const result = await checkReadme(dir);
  expect(result.typeErrors).toMatch(/TS2322/);
  expect(result.ran).toBe(0);
}, 60_000);

it("runs snippets that type-check and captures their output", async () => {
  await writeFile(join(dir, "README.md"), "```ts\nconsole.log(1 + 1);\n```\n```ts no-run\nconsole.log('skipped');\n```\n");
  const result = await checkReadme(dir);
  expect(result.typeErrors).toBe("");
  expect(result.outputs.map((o) => o.stdout)).toEqual(["2\n"]);
}, 60_000);
