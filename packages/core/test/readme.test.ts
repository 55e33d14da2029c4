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
  expect(printed).toContain("{ lr: 0.0005, 'model.name': 'resnet', 'model.depth': 50 }");
  expect(printed).toContain("next train index: 2");
  expect(printed).toContain("[ { loss: 0.9, step: 1 }, { epoch: 1, loss: 0.8 } ]");
  expect(printed).toContain("0 true hello from rank 0\n1 true hello from rank 1\n0:COMPLETED 1:COMPLETED\n");
  expect(printed).toContain("[ '0', '1', 'thread-2' ] [ 'io' ]\n0\n");
}, 60_000);
