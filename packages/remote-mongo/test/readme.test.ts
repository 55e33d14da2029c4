import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";
import { ensureBuilt } from "./helpers/ensure-built.js";

it("README snippets type-check and run", async () => {
  ensureBuilt();
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBeGreaterThan(0);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toMatch(/mongodb:\/\/alice:\*\*\*@127\.0\.0\.1:9\//);
  expect(printed).toContain("1 true");
  expect(printed).not.toContain("s3cret");
});
