import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

it("the repository README's snippets type-check and run", async () => {
  const result = await checkReadme(fileURLToPath(new URL("../../..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBe(result.snippets);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toContain("run failed: checkpoint not found");
  expect(printed).toContain("11 info Processing complete");
  expect(printed).toContain("logs 1 record(s)");
  expect(printed).toContain("{ lr: 0.001, 'model.name': 'resnet', 'model.depth': 50 }");
  expect(printed).toContain("2 { epoch: 3, loss: 0.39999999999999997 }");
}, 120_000);
