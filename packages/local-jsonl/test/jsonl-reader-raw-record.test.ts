import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { jsonlReader } from "../src/jsonl-reader.js";
import { streamFile } from "../src/paths.js";
import { tempRoot } from "./helpers.js";

it("returns each record as JSON gave it: a top-level __proto__ field and the key order survive", async () => {
  const root = await tempRoot();
  const file = streamFile(root, "a/b", "values");
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, '{"__proto__":{"polluted":true},"value":1,"sequenceNumber":0}\n');
  const records = [];
  for await (const record of jsonlReader({ root }).read("a/b", { stream: "values" })) records.push(record);
  expect(records).toHaveLength(1);
  expect(Object.keys(records[0] ?? {})).toEqual(["__proto__", "value", "sequenceNumber"]);
  expect(Object.getPrototypeOf(records[0])).toBe(Object.prototype);
  expect(JSON.stringify(records[0])).toBe('{"__proto__":{"polluted":true},"value":1,"sequenceNumber":0}');
  expect(await jsonlReader({ root }).tail("a/b", 1, { stream: "values" })).toEqual(records);
});
