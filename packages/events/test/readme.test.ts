import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

// Snippets import "@dashlog/events" by name, which resolves to dist/: build first.
it("README snippets type-check, run, and print what the README says", async () => {
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.ran).toBeGreaterThan(0);
  expect(result.ran).toBe(result.snippets - 1); // one fence is `ts no-run`: it reads files
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toContain("bytes core load logs spans");
  expect(printed).toMatch(/category: 'epoch',\s+kind: 'start',\s+id: 1,\s+sequenceNumber: 0/);
  expect(printed).toMatch(/'epoch 1 took \d+\.\d ms', 'epoch 2 took \d+\.\d ms'/);
  expect(printed).toContain("6 rows in the table");
  expect(printed).toContain("diskFree: 1 entry for 3 events");
  expect(printed).toContain("[ 0, 3 ]\n0:100@0 1:100@0 2:100@0 3:101@3 4:101@3\n100\n");
  expect(printed).toContain('{"level":20,"category":"io","kind":"finish","id":"read-1","sequenceNumber":2,"open":{"io":1},"msg":"span saturation"}');
  expect(printed).toContain("{ open: { io: 1 } }");
  expect(printed).toContain("[ 'read-2' ]\n[ 'read-2' ]");
  expect(printed).toContain("2\n[ 0, 1, 2 ]");
  expect(printed).toContain("[ 'epoch', 'io', 'io (2)', 'eval' ]");
  expect(printed).toContain("1 unfinished");
  expect(printed).toMatch(/span eval\/1 .*never finished/);
}, 120_000);
