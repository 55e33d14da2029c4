import { join } from "node:path";
import { Experiment, InvalidMetadataError, MemorySink, type LogRecord, type Run } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileTree } from "./support/file-tree.js";
import { hostileMetadata } from "./support/hostile-values.js";
import { flushAndReadLast, prototypeKeys } from "./support/last-record.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { expectedMetadata } from "./support/metadata-model.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";
import { seedNote } from "./support/property-seed.js";

const RUNS = scaled(300, 5000);
const prefix = "hostile/metadata";

let box: Sandbox;
let root: string;
let exp: Run;
const cleanPrototype = prototypeKeys();

beforeAll(async () => {
  box = await sandbox();
  root = join(box.dir, "root");
  exp = await new Experiment({ prefix, sink: localJsonl({ root }) }).start();
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await box.remove();
}, HOOK_TIMEOUT_MS);

/** Adds a key to a plain top-level object after it was logged (the record must not see it); returns the undo. */
function mutateAfterLogging(metadata: unknown): () => void {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata) || !Object.isExtensible(metadata)) return () => {};
  const proto: unknown = Object.getPrototypeOf(metadata);
  if (proto !== Object.prototype && proto !== null) return () => {};
  const target = metadata as Record<string, unknown>;
  const had = Object.hasOwn(target, "changedLater");
  const old = target["changedLater"];
  target["changedLater"] = "after the log call";
  return () => {
    if (had) target["changedLater"] = old;
    else delete target["changedLater"];
  };
}

describe("hostile metadata (fast-check)", () => {
  it(
    `is stored exactly as the README's normalisation says, or refused with InvalidMetadataError naming the path (${RUNS} cases)`,
    async () => {
      let stored = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(hostileMetadata, async (metadata) => {
          // The expectation is computed first, from the input as given.
          const expected = expectedMetadata(metadata);
          const before = exp.nextSequenceNumber;
          let sequenceNumber: number | undefined;
          let thrown: unknown;
          try {
            sequenceNumber = exp.log("hostile", { metadata: metadata as Record<string, unknown> });
          } catch (error) {
            thrown = error;
          }
          expect(prototypeKeys()).toEqual(cleanPrototype);
          if (!expected.ok) {
            refused++;
            expect(thrown).toBeInstanceOf(InvalidMetadataError);
            expect((thrown as InvalidMetadataError).path).toBe(expected.path);
            expect((thrown as Error).message.startsWith(`${expected.path} `)).toBe(true);
            // Nothing was logged for the call, so numbering is unaffected.
            expect(exp.nextSequenceNumber).toBe(before);
            return;
          }
          if (thrown !== undefined) throw thrown;
          stored++;
          const undo = mutateAfterLogging(metadata);
          try {
            const { record, issues } = await flushAndReadLast(exp, root);
            expect(issues).toEqual([]);
            // toEqual, not toStrictEqual: the latter compares `.constructor`, which an own
            // "constructor" key (a legitimate hostile key) shadows on both sides.
            expect(record).toEqual({
              timestamp: expect.any(String),
              level: "info",
              message: "hostile",
              metadata: expected.value,
              sequenceNumber: before,
            });
            expect(sequenceNumber).toBe(before);
            // The same bytes too: key order included.
            expect(JSON.stringify(record?.["metadata"])).toBe(JSON.stringify(expected.value));
          } finally {
            undo();
          }
        }),
        { numRuns: RUNS },
      );
      const summary = await exp.complete();
      expect(summary).toMatchObject({ unwritten: 0, dropped: 0, issues: 0 });
      // Never a corrupt file: every line reads back, gap-free, and nothing was written elsewhere.
      const all = await readBack(root, prefix);
      expect(all.issues).toEqual([]);
      expect(all.records.map((r) => r.sequenceNumber)).toEqual(range(0, stored));
      expect(await fileTree(box.dir)).toEqual([
        "root",
        "root/hostile",
        "root/hostile/metadata",
        "root/hostile/metadata/experiment.json",
        "root/hostile/metadata/logs",
        "root/hostile/metadata/logs/.log_sequence",
        "root/hostile/metadata/logs/logs.jsonl",
        "root/hostile/metadata/runs.jsonl",
      ]);
      // Both outcomes were exercised, not just one.
      expect(stored, seedNote).toBeGreaterThan(RUNS / 10);
      expect(refused, seedNote).toBeGreaterThan(RUNS / 20);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `gives an in-memory sink exactly what a reader of the file gets (${RUNS} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileMetadata, async (metadata) => {
          const expected = expectedMetadata(metadata);
          fc.pre(expected.ok);
          const sink = new MemorySink();
          await new Experiment({ prefix, sink }).run((run) => {
            run.log("hostile", { metadata: metadata as Record<string, unknown> });
          });
          const [record] = sink.logs(prefix) as LogRecord[];
          const value = expected.ok ? expected.value : undefined;
          expect(record?.metadata).toEqual(value);
          expect(JSON.stringify(record?.metadata)).toBe(JSON.stringify(value));
        }),
        { numRuns: RUNS },
      );
    },
    TEST_TIMEOUT_MS,
  );
});
