import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changesetPackages, checkChangesetCoverage } from "../src/missing-changesets.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("changesets for changed packages", () => {
  it("every published package this branch changed has a changeset (set DASHLOG_CHANGESET_BASE to compare with another commit)", () => {
    const coverage = checkChangesetCoverage(root);
    expect(
      coverage.missing,
      `changed since ${coverage.base ?? "?"} without a changeset: ${coverage.missing.join(", ")}. Run \`pnpm changeset\` and name them (see CONTRIBUTING.md)`,
    ).toEqual([]);
  });

  it("reads package names from a changeset's front matter", () => {
    expect(changesetPackages('---\n"@dashlog/core": minor\n\'@dashlog/cli\': patch\nplain: none\n---\n\nText: major\n')).toEqual([
      "@dashlog/core",
      "@dashlog/cli",
      "plain",
    ]);
  });

  describe("in a fixture repository with pending changesets of other packages", () => {
    let repo = "";
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], { cwd: repo, stdio: "pipe" });
    const write = async (path: string, text: string) => {
      await mkdir(dirname(join(repo, path)), { recursive: true });
      await writeFile(join(repo, path), text);
    };

    beforeAll(async () => {
      repo = await mkdtemp(join(tmpdir(), "dashlog-coverage-"));
      await write("package.json", JSON.stringify({ name: "root", private: true }));
      for (const name of ["a", "b"]) await write(`packages/${name}/package.json`, JSON.stringify({ name: `@x/${name}`, version: "0.1.0" }));
      await write("packages/tool/package.json", JSON.stringify({ name: "@x/tool", version: "0.0.0", private: true }));
      await write("packages/a/src/index.ts", "export const a = 1;\n");
      await write(".changeset/b-earlier.md", '---\n"@x/b": minor\n---\n\nAn earlier change of b, not released yet.\n');
      git("init", "-q", "-b", "main");
      git("add", ".");
      git("commit", "-q", "-m", "start");
    });
    afterAll(async () => {
      if (repo !== "") await rm(repo, { recursive: true, force: true });
    });

    it("on main, an uncommitted change counts; committed history does not", async () => {
      expect(checkChangesetCoverage(repo).missing).toEqual([]);
      await write("packages/a/src/index.ts", "export const a = 2;\n");
      expect(checkChangesetCoverage(repo).missing).toEqual(["@x/a"]);
      git("checkout", "-q", "--", ".");
    });

    it("on a branch, a new untracked file of a is caught although b has a pending changeset; tests, private tools and a's own changeset clear it", async () => {
      git("checkout", "-q", "-b", "feature");
      await write("packages/b/test/b.test.ts", "// only a test\n");
      await write("packages/tool/src/x.ts", "export {};\n");
      expect(checkChangesetCoverage(repo)).toMatchObject({ changed: [], missing: [] });

      await write("packages/a/src/new-feature.ts", "export const feature = true;\n");
      expect(checkChangesetCoverage(repo)).toMatchObject({ changed: ["@x/a"], missing: ["@x/a"] });
      git("add", ".");
      git("commit", "-q", "-m", "a: new feature");
      expect(checkChangesetCoverage(repo).missing).toEqual(["@x/a"]);

      await write(".changeset/a-feature.md", '---\n"@x/a": minor\n---\n\nA new feature.\n');
      expect(checkChangesetCoverage(repo)).toMatchObject({ changed: ["@x/a"], missing: [] });
    });

    it("a release commit that bumped the version needs no changeset", async () => {
      await rm(join(repo, ".changeset", "a-feature.md"));
      await write("packages/a/package.json", JSON.stringify({ name: "@x/a", version: "0.2.0" }));
      expect(checkChangesetCoverage(repo).missing).toEqual([]);
    });
  });
});
