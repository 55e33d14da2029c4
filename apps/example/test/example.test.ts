import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runExample } from "../src/run-example.js";

const exec = promisify(execFile);

describe("the example", () => {
  it("logs a training run, reads it back and summarises it", async () => {
    const root = await mkdtemp(join(tmpdir(), "dashlog-example-"));
    const result = await runExample({ root, prefix: "alice/ml/mnist-training", epochs: 4, stepsPerEpoch: 5, seed: 1 });
    const { report } = result;
    expect(report.status).toBe("COMPLETED");
    expect(report.issues).toEqual([]);
    expect(result.issues).toEqual([]);
    expect(report.firstSequenceNumber).toBe(0);
    expect(report.lastSequenceNumber).toBe(report.records - 1);
    expect(report.byLevel.warn).toBe(1);
    // the failed checkpoint: its span finish (error) and the caught error that was logged
    expect(report.byLevel.error).toBe(2);
    expect(report.problems.some((p) => p.includes("GPU memory low"))).toBe(true);
    expect(report.problems.some((p) => p.includes("Failed to save checkpoint: disk quota exceeded"))).toBe(true);
    expect(report.finalTrainLoss).toBeGreaterThan(0);
    expect(result.streams).toEqual(["bytes", "core", "cpu", "logs", "spans"]);
    expect(result.text).toContain("Experiment alice/ml/mnist-training: COMPLETED");

    const again = await runExample({ root, prefix: "alice/ml/mnist-training", epochs: 1, stepsPerEpoch: 1, seed: 1 });
    expect(again.report.firstSequenceNumber).toBe(0);
    expect(again.report.records).toBeGreaterThan(report.records);
    expect(again.report.lastSequenceNumber).toBe(again.report.records - 1);
  });

  it("runs as a command (the README's `pnpm example`) and prints the summary", async () => {
    const root = await mkdtemp(join(tmpdir(), "dashlog-example-"));
    const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
    const { stdout } = await exec(process.execPath, [main, "--root", root, "--epochs", "3", "--steps", "2"]);
    expect(stdout).toMatch(/Experiment alice\/ml\/mnist-training: COMPLETED/);
    expect(stdout).toMatch(/log records \(#0 to #\d+\)/);
    await expect(exec(process.execPath, [main, "--root", root, "--epochs", "zero"])).rejects.toMatchObject({
      stderr: expect.stringContaining('--epochs must be a positive integer, got "zero"'),
    });
  });
});
