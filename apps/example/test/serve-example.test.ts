import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

it("--serve starts dashlog serve, whose page lists the run while it trains, and stops on Ctrl-C", async () => {
  const root = await mkdtemp(join(tmpdir(), "dashlog-example-serve-"));
  const child = spawn(process.execPath, [MAIN, "--serve", "--port", "0", "--root", root, "--epochs", "3", "--steps", "10", "--pace-ms", "50"]);
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const found = /serving .* at (http:\/\/\S+)\n/.exec(out);
        if (found) {
          clearInterval(timer);
          resolve(found[1] as string);
        }
      }, 20);
      child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // Paced: the run is there, RUNNING, before the training ends.
    let listing: { prefix: string; status: string }[] = [];
    for (let i = 0; i < 100 && listing.length === 0; i++) {
      listing = (await (await fetch(`${url}api/experiments`)).json()) as typeof listing;
      if (listing.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(listing).toEqual([expect.objectContaining({ prefix: "alice/ml/mnist-training", status: "RUNNING" })]);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (out.includes("press Ctrl-C to stop it")) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(out).toContain("Experiment alice/ml/mnist-training: COMPLETED");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(root, { recursive: true, force: true });
  }
}, 60_000);
