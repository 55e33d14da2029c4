import { cp, readFile, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, type LogRecord } from "@dashlog/core";
import { localJsonl, streamFile } from "@dashlog/local-jsonl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

// A write cut short (a crash inside write(2), a full disk, a power cut) leaves the file ending
// anywhere, even inside a multi-byte character. SIGKILL rarely lands inside a write, so the cut
// is made here on purpose, at every kind of offset fast-check can find.
const prefix = "crash/torn";
const RECORDS = 40;

let box: Sandbox;
let original: Buffer;
/** Byte offset of the `\n` ending each line of the original file. */
let lineEnds: number[];

beforeAll(async () => {
  box = await sandbox();
  const root = join(box.dir, "original");
  await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
    for (let i = 0; i < RECORDS; i++) exp.log(`record ${i} ${"é€𝄞".repeat(i % 7)}`, { metadata: { i, text: "\u2028\u0000\ud800" } });
  });
  original = await readFile(streamFile(root, prefix, "logs"));
  lineEnds = [];
  for (let at = original.indexOf(0x0a); at !== -1; at = original.indexOf(0x0a, at + 1)) lineEnds.push(at);
  expect(lineEnds).toHaveLength(RECORDS);
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await box.remove();
}, HOOK_TIMEOUT_MS);

/** Any offset, and (as often) one within two bytes of a line end, where off-by-ones hide. */
function cutOffsets(): fc.Arbitrary<number> {
  const nearLineEnd = fc
    .constantFrom(...lineEnds)
    .chain((end) => fc.integer({ min: Math.max(0, end - 2), max: Math.min(original.length, end + 2) }));
  return fc.oneof(fc.integer({ min: 0, max: original.length }), nearLineEnd);
}

describe("a log file cut at any byte", () => {
  it(
    "reads back as the records before the cut plus at most one torn line, and the next run continues after the last valid record",
    async () => {
      let caseNumber = 0;
      await fc.assert(
        fc.asyncProperty(cutOffsets(), async (cut) => {
          const root = join(box.dir, `case-${caseNumber++}`);
          await cp(join(box.dir, "original"), root, { recursive: true });
          const file = streamFile(root, prefix, "logs");
          await truncate(file, cut);
          // The sink updates logs/.log_sequence (ml-dash's counter) only after a batch is fully
          // written, so a write cut short leaves it at or below the last complete record: without it
          // the next run starts from what the file holds, as it would after a real cut.
          await rm(join(root, ...prefix.split("/"), "logs", ".log_sequence"), { force: true });

          // The model: a record survives when its whole JSON text is before the cut (its newline
          // may be missing); a line cut anywhere else is torn.
          const complete = lineEnds.filter((end) => end <= cut).length;
          const lineStart = complete === 0 ? 0 : (lineEnds[complete - 1] as number) + 1;
          const tornLine = cut > lineStart && cut !== lineEnds[complete] ? complete + 1 : undefined;

          const before = await readBack(root, prefix);
          expect(before.records.map((r) => r.sequenceNumber)).toEqual(range(0, complete));
          expect(before.issues.map((i) => [i.kind, i.line])).toEqual(tornLine === undefined ? [] : [["torn", tornLine]]);

          await new Experiment({ prefix, sink: localJsonl({ root }) }).run((exp) => {
            expect(exp.firstSequenceNumber).toBe(complete);
            exp.log("after the crash");
          });
          const after = await readBack(root, prefix);
          expect(after.records.map((r) => r.sequenceNumber)).toEqual(range(0, complete + 1));
          expect((after.records.at(-1) as unknown as LogRecord).message).toBe("after the crash");
          // The torn text stays (ended with a newline) and is now reported as a malformed line.
          expect(after.issues.map((i) => [i.kind, i.line])).toEqual(tornLine === undefined ? [] : [["malformed", tornLine]]);
        }),
        { numRuns: scaled(40, 400) },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
