import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Every entry under `dir` (files, folders, links), as sorted `/`-separated paths relative to it. */
export async function fileTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      out.push(relative(dir, path).split(sep).join("/"));
      // lstat, so a symlink is listed and never followed out of the sandbox.
      if ((await lstat(path)).isDirectory()) await visit(path);
    }
  };
  await visit(dir);
  return out.sort();
}
