import { fileURLToPath } from "node:url";
import { checkReadme } from "@dashlog/readme-check";
import { expect, it } from "vitest";

it("README snippets type-check and run", async () => {
  const result = await checkReadme(fileURLToPath(new URL("..", import.meta.url)));
  expect(result.typeErrors).toBe("");
  expect(result.snippets).toBe(5);
  expect(result.ran).toBe(4);
  const printed = result.outputs.map((o) => o.stdout).join("");
  expect(printed).toMatch(/"level":40,"experiment":"alice\/project\/my-experiment","stream":"logs","sequenceNumber":1,.*"metadata":\{"free_mb":512\},"msg":"GPU memory low"\}/);
  expect(printed).toContain('"status":"COMPLETED"');
  expect(printed).toContain('0 debug cache lookup {"pinoLevel":10}\n1 info request served {"reqId":"r-1","route":"/users"}\n2 error db down {"err":{"type":"Error","message":"db down"}}\n');
  expect(printed).toContain("0 info worker started\n1 warn queue is filling up\ntrue\n");
}, 60_000);
