import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

it("README snippets type-check and run", async () => {
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBe(result.snippets);
  expect(result.ran).toBeGreaterThanOrEqual(1);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toMatch(/ WARN +#\d+ +GPU memory low {2}gpu_memory_free_mb=312\n/);
  expect(printed).toMatch(/^alice\/ml\/demo +COMPLETED +1 /m);
  expect(printed).toContain("0 true");
  // The joined run's snippet: the run FAILED with one of its two workers.
  expect(printed).toMatch(/^alice\/ddp\/demo +FAILED 1\/2 \(1 FAILED\) /m);
}, 120_000);
