import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

it("README snippets type-check and run", async () => {
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBe(result.snippets);
  expect(result.ran).toBeGreaterThanOrEqual(4);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toContain("COMPLETED");
  expect(printed).toContain("[ [ 1, 'slow disk' ] ]");
  expect(printed).toContain('alice/console logs {"timestamp"');
}, 60_000);
