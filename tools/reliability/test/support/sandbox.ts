import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Sandbox {
  /** A fresh folder of this test alone; everything the test writes must stay inside it. */
  readonly dir: string;
  readonly remove: () => Promise<void>;
}

/** A fresh folder under the OS temp dir. */
export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), "dashlog-reliability-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
