import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

it("README snippets type-check and run", async () => {
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBe(result.snippets);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toContain("Loss went up\n[ 4, 5 ]\n1\n2\n");
  expect(printed).toContain("[ 'train:5' ]\n3 0.25\n4 0.2\n{ lr: 0.001, 'model.name': 'resnet' }\n");
  expect(printed).toContain("COMPLETED 0:COMPLETED 1:COMPLETED 2:COMPLETED 3:COMPLETED\nrank 2 step 2\n");
  expect(printed).toContain("COMPLETED 2 2 true\n");
}, 60_000);
