import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { Experiment, type ReadIssue } from "@dashlog/core";
import { jsonlReader, localJsonl, streamFile } from "@dashlog/local-jsonl";
import { afterEach, describe, expect, it } from "vitest";
import { HOOK_TIMEOUT_MS } from "./support/long-tests.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

const line = (sequenceNumber: number, message: string) =>
  `${JSON.stringify({ timestamp: "2026-01-01T00:00:00.000Z", level: "info", message, metadata: null, sequenceNumber })}\n`;

describe("a hand-edited logs.jsonl whose numbers go backwards or repeat", () => {
  it("is reported by the reader with line numbers, and the next run numbers after the highest", async () => {
    box = await sandbox();
    const root = join(box.dir, "root");
    const prefix = "edited/by-hand";
    await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
      for (let i = 0; i < 5; i++) exp.log(`r${i}`);
    });
    // Someone pastes two lines at the end: one repeating 4, one going back to 2.
    appendFileSync(streamFile(root, prefix, "logs"), line(4, "pasted again") + line(2, "pasted from an old run"));

    const issues: ReadIssue[] = [];
    const records = [];
    for await (const record of jsonlReader({ root }).read(prefix, { onIssue: (i) => issues.push(i) })) records.push(record);
    expect(records).toHaveLength(7);
    expect(issues.map((i) => [i.kind, i.line, i.message])).toEqual([
      ["out-of-order", 6, "sequenceNumber 4 repeats: line 5 already has 4"],
      ["out-of-order", 7, "sequenceNumber 2 goes backwards: line 5 already has 4"],
    ]);

    const next = await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
      exp.log("after the edit");
      return exp.firstSequenceNumber;
    });
    expect(next).toBe(5);
  });
});
