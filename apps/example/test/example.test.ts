import { execFile } from "node:child_process";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MongoTestServer } from "@dashlog/mongo-test-server";
import { describe, expect, it } from "vitest";
import { runExample, type ExampleResult } from "../src/run-example.js";

const exec = promisify(execFile);
const prefix = "alice/ml/mnist-training";

function expectTrainingSummary(result: ExampleResult): void {
  const { report } = result;
  expect(report.status).toBe("COMPLETED");
  expect(report.issues).toEqual([]);
  expect(result.issues).toEqual([]);
  expect(result.unwritten).toBe(0);
  expect(report.firstSequenceNumber).toBe(0);
  expect(report.lastSequenceNumber).toBe(report.records - 1);
  expect(report.byLevel.warn).toBe(1);
  // the failed checkpoint: its span finish (error) and the caught error that was logged
  expect(report.byLevel.error).toBe(2);
  expect(report.problems.some((p) => p.includes("GPU memory low"))).toBe(true);
  expect(report.problems.some((p) => p.includes("Failed to save checkpoint: disk quota exceeded"))).toBe(true);
  expect(report.finalTrainLoss).toBeGreaterThan(0);
  // every event reaches logs; core stores every event but plain log events (here the start and
  // finish of each span); spans get one record per finished span (4 epochs + 1 checkpoint)
  expect(report.streams["logs"]).toBe(report.records);
  expect(report.streams["spans"]).toBe(5);
  expect(report.streams["core"]).toBe(2 * 5);
  expect(report.streams["bytes"]).toBeGreaterThan(0);
  expect(result.text).toContain(`Experiment ${prefix}: COMPLETED`);
}

describe("the example", () => {
  it("logs a training run to local JSONL, reads it back and summarises it; a second run continues the numbering", async () => {
    const root = await mkdtemp(join(tmpdir(), "dashlog-example-"));
    const result = await runExample({ root, prefix, epochs: 4, stepsPerEpoch: 5, seed: 1 });
    expectTrainingSummary(result);
    const files = await readdir(join(root, prefix, "logs"));
    // .log_sequence is ml-dash's counter, kept in step so ml-dash continues the numbering.
    expect(files.sort()).toEqual([".log_sequence", "bytes.jsonl", "core.jsonl", "cpu.jsonl", "logs.jsonl", "spans.jsonl"]);

    const again = await runExample({ root, prefix, epochs: 1, stepsPerEpoch: 1, seed: 1 });
    expect(again.report.firstSequenceNumber).toBe(0);
    expect(again.report.records).toBeGreaterThan(result.report.records);
    expect(again.report.lastSequenceNumber).toBe(again.report.records - 1);
  });

  it("switches to MongoDB with one option and stores the same records there", async () => {
    // The in-repo wire-protocol server, or a real MongoDB when MONGODB_URI is set.
    const server = process.env["MONGODB_URI"] ? undefined : await MongoTestServer.start();
    const base = process.env["MONGODB_URI"] ?? (server as MongoTestServer).uri;
    const uri = base.replace(/\/(\?|$)/, `/dashlog_example_${process.pid}_${Date.now()}$1`);
    try {
      const root = await mkdtemp(join(tmpdir(), "dashlog-example-"));
      const result = await runExample({ root, mongoUri: uri, prefix, epochs: 4, stepsPerEpoch: 5, seed: 1 });
      expectTrainingSummary(result);
      expect(result.text).toContain("stored in MongoDB mongodb://");
      await expect(readdir(join(root, prefix))).rejects.toThrow(/ENOENT/);
    } finally {
      await server?.stop();
    }
  });

  it("runs as a command (the README's `pnpm example`) and prints the summary", async () => {
    const root = await mkdtemp(join(tmpdir(), "dashlog-example-"));
    const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
    const env = { ...process.env, MONGODB_URI: "" };
    const { stdout } = await exec(process.execPath, [main, "--root", root, "--epochs", "3", "--steps", "2"], { env });
    expect(stdout).toMatch(/Experiment alice\/ml\/mnist-training: COMPLETED/);
    expect(stdout).toMatch(/log records \(#0 to #\d+\)/);
    await expect(exec(process.execPath, [main, "--root", root, "--epochs", "zero"], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining('--epochs must be a positive integer, got "zero"'),
    });
  });

  it("writes .dash/ where `pnpm example` was typed (INIT_CWD), not in apps/example", async () => {
    const typedIn = await mkdtemp(join(tmpdir(), "dashlog-example-cwd-"));
    const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
    const appDir = fileURLToPath(new URL("..", import.meta.url));
    const env = { ...process.env, MONGODB_URI: "", INIT_CWD: typedIn };
    await exec(process.execPath, [main, "--epochs", "1", "--steps", "1"], { env, cwd: appDir });
    expect((await readdir(join(typedIn, ".dash", prefix, "logs"))).sort()).toContain("logs.jsonl");
  });
});
