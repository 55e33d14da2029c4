import { join } from "node:path";
import { Experiment, InvalidArgumentError, InvalidLevelError, InvalidMetadataError, LEVELS, type Run } from "@dashlog/core";
import { localJsonl } from "@dashlog/local-jsonl";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileTree } from "./support/file-tree.js";
import { hostileKey, hostileMetadata, hostileString } from "./support/hostile-values.js";
import { flushAndReadLast, prototypeKeys } from "./support/last-record.js";
import { HOOK_TIMEOUT_MS, scaled, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { expectedMetadata } from "./support/metadata-model.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";
import { seedNote } from "./support/property-seed.js";

const RUNS = scaled(300, 3000);
const prefix = "hostile/messages";

/** Long messages (up to 4 MB, far beyond the reader's 64 KiB chunk), cut anywhere, even inside a surrogate pair. */
const hugeMessage = fc
  .tuple(fc.constantFrom(70_000, 1_000_000, 4_000_000), hostileString)
  .map(([length, unit]) => `${unit}𝄞\n`.repeat(Math.ceil(length / (unit.length + 3))).slice(0, length));

const message: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 10 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 3000 }), weight: 3 },
  { arbitrary: hugeMessage, weight: 1 },
  // Not a string at all (null and undefined are left out: they log an empty message).
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.bigInt(), fc.constant({}), fc.constant(["a"]), hostileKey.map((k) => Symbol(k))), weight: 2 },
);

const level: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constantFrom(...LEVELS), weight: 4 },
  { arbitrary: fc.constantFrom("INFO", "warning", "", " info", "toString", "__proto__", "constructor", null, 30), weight: 1 },
  { arbitrary: hostileString, weight: 1 },
);

const options: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.record({ level, metadata: hostileMetadata }, { requiredKeys: [] }), weight: 10 },
  { arbitrary: fc.constantFrom(undefined, null, 42, "warn", true, []), weight: 1 },
);

interface Refusal {
  readonly type: new (...args: never[]) => Error;
  /** `field` of InvalidArgumentError / InvalidLevelError, `path` of InvalidMetadataError. */
  readonly names: string;
}

/** Every way the call is wrong (the order dashlog checks them in is not promised, so any one may be reported). */
function refusals(text: unknown, opts: unknown): Refusal[] {
  const out: Refusal[] = [];
  if (typeof text !== "string") out.push({ type: InvalidArgumentError, names: "message" });
  if (opts !== undefined && (typeof opts !== "object" || opts === null)) {
    out.push({ type: InvalidArgumentError, names: "options" });
    return out;
  }
  const given = opts as { level?: unknown; metadata?: unknown } | undefined;
  if (given?.level !== undefined && !(LEVELS as readonly unknown[]).includes(given.level)) out.push({ type: InvalidLevelError, names: "level" });
  const metadata = expectedMetadata(given?.metadata);
  if (!metadata.ok) out.push({ type: InvalidMetadataError, names: metadata.path });
  return out;
}

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

describe("hostile messages, levels and options (fast-check)", () => {
  it(
    `each call stores a record that reads back as given, or throws a typed error naming the field (${RUNS} cases)`,
    async () => {
      let stored = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(message, options, async (text, opts) => {
          const wrong = refusals(text, opts);
          const expectedMeta = expectedMetadata((opts as { metadata?: unknown } | undefined)?.metadata);
          const before = exp.nextSequenceNumber;
          let thrown: unknown;
          try {
            exp.log(text as string, opts as Parameters<Run["log"]>[1]);
          } catch (error) {
            thrown = error;
          }
          expect(prototypeKeys()).toEqual(cleanPrototype);
          if (wrong.length > 0) {
            refused++;
            const named = thrown instanceof InvalidMetadataError ? thrown.path : (thrown as { field?: unknown } | undefined)?.field;
            const match = wrong.find((r) => thrown instanceof r.type && named === r.names);
            expect(match, `expected one of ${wrong.map((r) => `${r.type.name}(${r.names})`).join(", ")}, got ${String(thrown)}`).toBeDefined();
            expect((thrown as Error).message.startsWith(`${named} `)).toBe(true);
            expect(exp.nextSequenceNumber).toBe(before);
            return;
          }
          if (thrown !== undefined) throw thrown;
          stored++;
          const { record, issues } = await flushAndReadLast(exp, root);
          expect(issues).toEqual([]);
          const given = opts as { level?: string } | undefined;
          expect(record).toEqual({
            timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            level: given?.level ?? "info",
            message: text,
            metadata: expectedMeta.ok ? expectedMeta.value : undefined,
            sequenceNumber: before,
          });
        }),
        { numRuns: RUNS },
      );
      await exp.complete();
      const all = await readBack(root, prefix);
      expect(all.issues).toEqual([]);
      expect(all.records.map((r) => r.sequenceNumber)).toEqual(range(0, stored));
      expect((await fileTree(box.dir)).filter((path) => !path.startsWith("root/hostile/messages/"))).toEqual(["root", "root/hostile", "root/hostile/messages"]);
      expect(stored, seedNote).toBeGreaterThan(RUNS / 10);
      expect(refused, seedNote).toBeGreaterThan(RUNS / 20);
    },
    TEST_TIMEOUT_MS,
  );
});
