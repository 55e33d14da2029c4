import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixture } from "./support/child.js";
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from "./support/long-tests.js";
import { range, readBack } from "./support/read-back.js";
import { sandbox, type Sandbox } from "./support/sandbox.js";

const prefix = "disk/fills-up";
const COUNT = 3000;
// `ulimit -f` and ignoring SIGXFSZ need a POSIX shell; Linux CI has bash.
const linux = process.platform === "linux";

let box: Sandbox | undefined;
afterEach(async () => {
  await box?.remove();
  box = undefined;
}, HOOK_TIMEOUT_MS);

function runLimited(root: string, kib: number, seed: number): Promise<{ code: number | null; out: string; err: string }> {
  const command = `trap '' XFSZ; ulimit -f ${kib}; exec "${process.execPath}" "${fixture("limited-disk-logger.mjs")}" "$@"`;
  const child = spawn("bash", ["-c", command, "bash", root, prefix, String(COUNT), String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

describe.runIf(linux)("a disk that fills up in the middle of a batch", () => {
  it(
    "counts as written exactly the complete records on disk, and the rest as unwritten",
    async () => {
      for (const kib of [37, 101, 163]) {
        box = await sandbox();
        const seed = Math.floor(Math.random() * 2 ** 31) + 1;
        const root = join(box.dir, "root");
        const { code, out, err } = await runLimited(root, kib, seed);
        expect(code, `limit ${kib} KiB, seed ${seed}: ${err}`).toBe(0);
        const summary = JSON.parse(out.trim().split("\n").at(-1) as string) as { status: string; written: number; unwritten: number };
        const { records } = await readBack(root, prefix);
        expect(records.map((r) => r.sequenceNumber), `seed ${seed}`).toEqual(range(0, records.length));
        expect(records.length, `limit ${kib} KiB, seed ${seed}: the disk filled up before the end`).toBeLessThan(COUNT);
        expect([summary.written, summary.unwritten], `limit ${kib} KiB, seed ${seed}`).toEqual([records.length, COUNT - records.length]);
        expect(summary.status).toBe("FAILED");
        await box.remove();
        box = undefined;
      }
    },
    TEST_TIMEOUT_MS,
  );
});
