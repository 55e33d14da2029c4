import { execFile, execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { checkInternalRanges } from "../src/internal-ranges.js";
import { packWorkspace } from "../src/packed-workspace.js";
import { publishedPackages } from "../src/published-packages.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../..", import.meta.url));
const CHANGESET_BIN = createRequire(join(root, "package.json")).resolve("@changesets/cli/bin.js");

let copy = "";
afterAll(async () => {
  if (copy !== "") await rm(copy, { recursive: true, force: true });
});

it("after `changeset version` (the release flow), the packed packages still share one version that every internal range accepts", async () => {
  copy = await mkdtemp(join(tmpdir(), "dashlog-release-"));
  // The work tree as it stands, new files included, without node_modules (linked instead).
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((file) => file !== "");
  for (const file of files) {
    await mkdir(dirname(join(copy, file)), { recursive: true });
    await cp(join(root, file), join(copy, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error; // deleted in the work tree, not yet in git
    });
  }
  await symlink(join(root, "node_modules"), join(copy, "node_modules"));
  const before = new Map(publishedPackages(copy).map((p) => [p.name, String(p.manifest["version"])]));

  await run(process.execPath, [CHANGESET_BIN, "version"], { cwd: copy });

  const after = publishedPackages(copy);
  const pending = files.some((file) => /^\.changeset\/(?!README)[^/]+\.md$/.test(file));
  for (const pkg of after) {
    const version = String(pkg.manifest["version"]);
    if (pending) expect(version, `${pkg.name} was not released although changesets are pending`).not.toBe(before.get(pkg.name));
    // A pre-1.0 project must not reach 1.0.0 by accident (e.g. a peer range forcing a major).
    expect(version.startsWith("0."), `${pkg.name} became ${version}`).toBe(true);
  }
  const packed = await packWorkspace(after, join(copy, ".tarballs"));
  expect(checkInternalRanges(packed)).toEqual([]);
}, 300_000);
