import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
// The monorepo's own @changesets/cli (a root devDependency), so the same version runs everywhere.
const CHANGESET_BIN = createRequire(fileURLToPath(new URL("../../../package.json", import.meta.url))).resolve("@changesets/cli/bin.js");

export interface ChangesetStatus {
  readonly changesets: readonly { readonly id: string; readonly releases: readonly { readonly name: string; readonly type: string }[] }[];
  readonly releases: readonly { readonly name: string; readonly type: string; readonly oldVersion: string; readonly newVersion: string }[];
}

/**
 * `changeset status` at `root` (what `pnpm changeset status` runs), with its release plan.
 * It fails when a changeset is malformed or names a package that is not in the workspace,
 * and when packages changed since the base branch (`main`, or `since`) have no changeset.
 */
export async function changesetStatus(root: string, since?: string): Promise<ChangesetStatus> {
  const dir = await mkdtemp(join(tmpdir(), "dashlog-changeset-"));
  const output = join(dir, "status.json");
  try {
    const args = ["status", `--output=${output}`, ...(since === undefined ? [] : [`--since=${since}`])];
    try {
      await run(process.execPath, [CHANGESET_BIN, ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`changeset ${args.join(" ")} failed in ${root}:\n${e.stdout ?? ""}${e.stderr ?? ""}`.trim());
    }
    return JSON.parse(await readFile(output, "utf8")) as ChangesetStatus;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
