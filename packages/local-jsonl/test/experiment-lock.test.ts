import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExperimentLockedError } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { acquireExperimentLock } from "../src/experiment-lock.js";
import { tempRoot } from "./helpers.js";

const deadHolder = () => ({ pid: 2 ** 22 + 17, hostname: hostname(), runId: "dead-run", startedAt: "2025-01-01T00:00:00.000Z" });

/**
 * Starts `count` processes that each wait for `go`, then call acquireExperimentLock on the same
 * file at the same moment, and say whether they got it. Winners hold it until they are killed.
 */
async function contend(lock: string, count: number): Promise<string[]> {
  const packageDir = fileURLToPath(new URL("..", import.meta.url));
  const go = `${lock}.go`;
  const script = `
    import { existsSync } from "node:fs";
    import { acquireExperimentLock } from "@dashlog/local-jsonl";
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 1));
    try {
      acquireExperimentLock(${JSON.stringify(lock)}, "race/x", "run-" + process.pid, new Date().toISOString());
      console.log("acquired");
    } catch (error) {
      console.log(error.name);
    }
    setInterval(() => {}, 1000);
  `;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] }),
  );
  const answers = children.map(
    (child) => new Promise<string>((resolve) => child.stdout.once("data", (data: Buffer) => resolve(data.toString().trim()))),
  );
  await writeFile(go, "");
  try {
    return await Promise.all(answers);
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map((child) => new Promise((resolve) => child.once("close", resolve))));
  }
}

describe("acquireExperimentLock", () => {
  // Before the fix, a process could read a lock its creator had not written yet (and judge it
  // broken), or remove a lock another process had just taken after both judged the old one stale:
  // two writers, interleaved sequence numbers.
  it.each([
    ["no lock", false],
    ["a stale lock", true],
  ])("gives the lock to exactly one of several processes starting at once, over %s", async (_what, stale) => {
    for (let round = 0; round < 4; round++) {
      const dir = await tempRoot();
      const lock = join(dir, ".lock");
      if (stale) await writeFile(lock, JSON.stringify(deadHolder()));
      const answers = await contend(lock, 6);
      expect(answers.filter((a) => a === "acquired"), `round ${round}: ${answers.join(", ")}`).toHaveLength(1);
      expect(answers.filter((a) => a !== "acquired").every((a) => a === "ExperimentLockedError")).toBe(true);
    }
  }, 60_000);

  it("writes the lock in one step and leaves no helper files behind", async () => {
    const dir = await tempRoot();
    const lock = join(dir, ".lock");
    const release = acquireExperimentLock(lock, "a/b", "run-1", "2025-01-01T00:00:00.000Z");
    expect(JSON.parse(await readFile(lock, "utf8"))).toMatchObject({ pid: process.pid, runId: "run-1" });
    expect(await readdir(dir)).toEqual([".lock"]);
    release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("recovers a stale lock whose remover died mid-way (an old .break claim)", async () => {
    const dir = await tempRoot();
    await mkdir(dir, { recursive: true });
    const lock = join(dir, ".lock");
    await writeFile(lock, JSON.stringify(deadHolder()));
    await writeFile(`${lock}.break`, "");
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(`${lock}.break`, longAgo, longAgo);
    const release = acquireExperimentLock(lock, "a/b", "run-2", "2025-01-01T00:00:00.000Z");
    expect(JSON.parse(await readFile(lock, "utf8"))).toMatchObject({ pid: process.pid, runId: "run-2" });
    expect(existsSync(`${lock}.break`)).toBe(false);
    release();
  });

  it("still refuses a live holder", async () => {
    const dir = await tempRoot();
    const lock = join(dir, ".lock");
    await writeFile(lock, JSON.stringify({ ...deadHolder(), pid: process.ppid }));
    expect(() => acquireExperimentLock(lock, "a/b", "run-3", "x")).toThrow(ExperimentLockedError);
    expect(() => acquireExperimentLock(lock, "a/b", "run-3", "x")).toThrow(`process ${process.ppid} `);
  });
});
