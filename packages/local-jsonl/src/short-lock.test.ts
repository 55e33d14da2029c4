import { existsSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { breakStaleLock, withShortLock } from "./short-lock.js";

async function lockPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "dashlog-short-lock-")), ".sequence.lock");
}

/** A file last touched `seconds` ago, as a process killed while holding it leaves it. */
function leaveOld(path: string, seconds: number): void {
  writeFileSync(path, "");
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
}

describe("withShortLock", () => {
  it("runs the body holding the lock file and removes it after, also when the body throws", async () => {
    const lock = await lockPath();
    expect(withShortLock(lock, "a/b/c", () => existsSync(lock))).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(() =>
      withShortLock(lock, "a/b/c", () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock left by a process killed while holding it", async () => {
    const lock = await lockPath();
    leaveOld(lock, 60);
    expect(withShortLock(lock, "a/b/c", () => "ran")).toBe("ran");
    expect(existsSync(`${lock}.break`)).toBe(false);
  });
});

describe("breakStaleLock", () => {
  it("removes a stale lock under its claim, and leaves no claim behind", async () => {
    const lock = await lockPath();
    leaveOld(lock, 60);
    expect(breakStaleLock(lock)).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(`${lock}.break`)).toBe(false);
  });

  it("leaves a fresh lock alone: the one judged stale was already replaced by a live holder's", async () => {
    const lock = await lockPath();
    writeFileSync(lock, "");
    expect(breakStaleLock(lock)).toBe(true);
    expect(existsSync(lock)).toBe(true);
  });

  it("removes nothing while another process holds the claim, and clears a claim its holder left when it died", async () => {
    const lock = await lockPath();
    leaveOld(lock, 60);
    writeFileSync(`${lock}.break`, "");
    expect(breakStaleLock(lock)).toBe(false);
    expect(existsSync(lock)).toBe(true);
    leaveOld(`${lock}.break`, 60);
    expect(breakStaleLock(lock)).toBe(false);
    expect(existsSync(`${lock}.break`)).toBe(false);
    expect(breakStaleLock(lock)).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });
});
