import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Experiment, type DashlogIssue } from "@dashlog/core";
import { localJsonl, streamFile } from "@dashlog/local-jsonl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileMetadata } from "./support/hostile-values.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const RUNS = scaled(150, 1500);

let box: Sandbox;
beforeAll(async () => {
  box = await sandbox();
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await box.remove();
}, HOOK_TIMEOUT_MS);

/**
 * What the stream file must hold for a consumer value (core README: a plain object keeps its
 * fields plus `sequenceNumber`, anything else is `{ value, sequenceNumber }`), as JSON; or nothing
 * when JSON cannot hold that record (it throws, or an own toJSON() would replace the record).
 */
function storedForm(value: unknown, sequenceNumber: number): unknown {
  const proto: unknown = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  const record = proto === Object.prototype || proto === null ? { ...(value as object), sequenceNumber } : { value, sequenceNumber };
  if (typeof (record as { toJSON?: unknown }).toJSON === "function") return undefined;
  try {
    return JSON.parse(JSON.stringify(record)) as unknown;
  } catch {
    return undefined;
  }
}

describe("a consumer returning values JSON cannot hold (BigInt, circular, ...)", () => {
  it(
    `loses only those entries (reported on onIssue and counted), never the other streams or later entries (${RUNS} runs)`,
    async () => {
      let caseNumber = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(hostileMetadata, { minLength: 1, maxLength: 12 }), async (values) => {
          const root = join(box.dir, `case-${caseNumber++}`);
          const prefix = "hostile/consumer";
          const issues: DashlogIssue[] = [];
          const exp = await new Experiment({
            prefix,
            sink: localJsonl({ root, fsync: "never" }),
            consumers: { odd: (event) => values[event.sequenceNumber], even: (event) => ({ n: event.sequenceNumber }) },
            onIssue: (issue) => issues.push(issue),
          }).start();
          for (let i = 0; i < values.length; i++) {
            exp.log(`event ${i}`);
            // Flush after each event, so an unstorable value would block the writes after it.
            await exp.flush();
          }
          const summary = await exp.complete();

          const expected = values.map((value, n) => (value === undefined ? undefined : storedForm(value, n)));
          const unstorable = values.map((value, n) => (value !== undefined && expected[n] === undefined ? n : -1)).filter((n) => n >= 0);
          expect((await readBack(root, prefix)).records.map((r) => r.sequenceNumber)).toEqual(range(0, values.length));
          expect((await readBack(root, prefix, "even")).records).toEqual(range(0, values.length).map((n) => ({ n, sequenceNumber: n })));
          // The file's own lines, parsed here: the reader's zod schema drops a top-level
          // "__proto__" key from records of streams other than `logs` (reported separately).
          const oddFile = streamFile(root, prefix, "odd");
          const lines = existsSync(oddFile) ? (await readFile(oddFile, "utf8")).split("\n").filter((line) => line !== "") : [];
          expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(expected.filter((record) => record !== undefined));
          expect(issues.map((i) => [i.source, i.name, i.sequenceNumber])).toEqual(unstorable.map((n) => ["consumer", "odd", n]));
          expect(summary).toMatchObject({ unwritten: 0, dropped: unstorable.length });
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
