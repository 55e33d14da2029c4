import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { changesetStatus } from "../src/changeset-status.js";
import { publishedPackages } from "../src/published-packages.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("changesets", () => {
  it("pnpm changeset status passes here and every changeset names published packages with a valid bump", async () => {
    const status = await changesetStatus(root);
    const published = new Set(publishedPackages(root).map((p) => p.name));
    for (const changeset of status.changesets) {
      expect(changeset.releases.length, `.changeset/${changeset.id}.md names no package`).toBeGreaterThan(0);
      for (const release of changeset.releases) {
        // A changeset for a private tool or app would bump a version nobody publishes.
        expect(published.has(release.name), `.changeset/${changeset.id}.md names ${release.name}, which is not a published package`).toBe(true);
        expect(["patch", "minor", "major", "none"]).toContain(release.type);
      }
    }
  }, 120_000);

  describe("in a scratch repository", () => {
    let repo = "";
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, stdio: "pipe" });

    afterAll(async () => {
      if (repo !== "") await rm(repo, { recursive: true, force: true });
    });

    it("fails for a package changed since main without a changeset, and for a changeset naming an unknown package", async () => {
      repo = await mkdtemp(join(tmpdir(), "dashlog-changeset-repo-"));
      await mkdir(join(repo, ".changeset"));
      await mkdir(join(repo, "packages", "a"), { recursive: true });
      await writeFile(join(repo, "package.json"), JSON.stringify({ name: "root", private: true }));
      await writeFile(join(repo, "pnpm-workspace.yaml"), "packages:\n  - packages/*\n");
      await writeFile(join(repo, "packages", "a", "package.json"), JSON.stringify({ name: "a", version: "1.0.0" }));
      await writeFile(
        join(repo, ".changeset", "config.json"),
        JSON.stringify({ changelog: false, commit: false, access: "public", baseBranch: "main", updateInternalDependencies: "patch", ignore: [] }),
      );
      git("init", "-q", "-b", "main");
      git("add", ".");
      git("commit", "-q", "-m", "start");
      expect((await changesetStatus(repo)).releases).toEqual([]);

      git("checkout", "-q", "-b", "feature");
      await writeFile(join(repo, "packages", "a", "index.js"), "export const a = 1;\n");
      git("add", ".");
      git("commit", "-q", "-m", "change a");
      await expect(changesetStatus(repo)).rejects.toThrow(/Some packages have been changed but no changesets were found/);

      await writeFile(join(repo, ".changeset", "a-change.md"), '---\n"a": minor\n---\n\nA change.\n');
      expect((await changesetStatus(repo)).releases.map((r) => [r.name, r.newVersion])).toEqual([["a", "1.1.0"]]);

      await writeFile(join(repo, ".changeset", "typo.md"), '---\n"b": patch\n---\n\nTypo.\n');
      await expect(changesetStatus(repo)).rejects.toThrow(/Found changeset typo for package b which is not in the workspace/);
    }, 120_000);
  });
});
