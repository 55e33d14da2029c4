import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, rmdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** How a path was made unwritable, and how to undo it. */
export interface Unwritable {
  /** `"read-only folder"`, `"read-only file"` or `"folder in the way"`, for failure messages. */
  readonly how: string;
  readonly restore: () => Promise<void>;
}

let chmodWorks: boolean | undefined;

/**
 * Whether a read-only folder stops this process from writing. It does not for root (CI
 * containers often run as root) or with CAP_DAC_OVERRIDE, so this is probed, not assumed.
 */
export async function readOnlyFoldersStopWrites(scratch: string): Promise<boolean> {
  if (chmodWorks !== undefined) return chmodWorks;
  const probe = await mkdtemp(join(scratch, "probe-"));
  await chmod(probe, 0o555);
  try {
    await writeFile(join(probe, "file"), "x");
    chmodWorks = false;
  } catch {
    chmodWorks = true;
  } finally {
    await chmod(probe, 0o755);
    await rm(probe, { recursive: true, force: true });
  }
  return chmodWorks;
}

/**
 * Makes the next open-for-append of `path` fail. Where permissions are enforced, that is the
 * honest simulation: a read-only folder (new file) or a read-only file. As root they are not,
 * so a folder is put where the file should be: open() then fails with EISDIR whatever the
 * privileges. Only opens made after this call fail (an open file descriptor keeps working).
 */
export async function makeUnwritable(path: string, scratch: string): Promise<Unwritable> {
  const exists = existsSync(path);
  if (await readOnlyFoldersStopWrites(scratch)) {
    if (exists) {
      await chmod(path, 0o444);
      return { how: "read-only file", restore: () => chmod(path, 0o644) };
    }
    await chmod(dirname(path), 0o555);
    return { how: "read-only folder", restore: () => chmod(dirname(path), 0o755) };
  }
  const aside = `${path}.aside`;
  if (exists) await rename(path, aside);
  await mkdir(path);
  return {
    how: "folder in the way",
    restore: async () => {
      await rmdir(path);
      if (exists) await rename(aside, path);
    },
  };
}
