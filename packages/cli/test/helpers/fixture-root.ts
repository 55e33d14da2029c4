import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { StoredRecord } from "@dashlog/core";
import { writeTrainingRun, type FixtureCounts } from "../fixtures/training-run.js";
import { tempRoot } from "./run-dashlog.js";

export const PREFIX = "alice/ml/mnist-training";

export interface FixtureRoot {
  readonly dir: string;
  readonly counts: FixtureCounts;
  remove(): Promise<void>;
}

/** A temp `.dash` root holding one simulated training run under PREFIX. */
export async function trainingRoot(): Promise<FixtureRoot> {
  const root = await tempRoot();
  const counts = await writeTrainingRun(root.dir, PREFIX);
  return { dir: root.dir, counts, remove: root.remove };
}

/** A stream file as the sink wrote it, parsed line by line: what the CLI is compared against. */
export async function storedLines(root: string, prefix: string, stream: string): Promise<{ text: string; records: StoredRecord[] }> {
  const text = await readFile(join(root, ...prefix.split("/"), "logs", `${stream}.jsonl`), "utf8");
  return { text, records: text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as StoredRecord) };
}
