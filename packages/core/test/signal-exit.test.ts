import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Experiment } from "../src/experiment.js";
import { MemorySink } from "../src/memory-sink.js";

// A real process has to receive the signal, so the script runs the built package (dist/) in a
// child; `pnpm test` builds before it tests.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: Record<string, unknown>[];
}

/**
 * Starts a run whose sink prints what reaches it as JSON lines, logs five records (they wait
 * for the 100 ms flush), runs `body`, says "ready", then sends the child `signal`.
 */
function interrupt(signal: NodeJS.Signals, body = ""): Promise<Outcome> {
  const script = `
    import { writeSync } from "node:fs";
    import { Experiment } from "@dashlog/core";
    const print = (line) => writeSync(1, JSON.stringify(line) + "\\n");
    const written = (kind) => (batches) => { for (const b of batches) for (const r of b.records) print({ kind, stream: b.stream, seq: r.sequenceNumber, level: r.level, message: r.message }); };
    const ended = (kind) => (run) => print({ kind, status: run.status, error: run.error });
    const sink = { write: written("write"), writeSync: written("writeSync"), closeRun: ended("closeRun"), closeRunSync: ended("closeRunSync") };
    const exp = await new Experiment({ prefix: "signal/run", sink }).start();
    for (let i = 0; i < 5; i++) exp.log("step " + i);
    ${body}
    print({ kind: "ready" });
    setInterval(() => undefined, 1000);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: packageDir, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes('{"kind":"ready"}')) child.kill(signal);
    });
    child.on("error", reject);
    child.on("exit", (code, received) => {
      const lines = out.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, signal: received, lines: lines.filter((l) => l["kind"] !== "ready") });
    });
  });
}

describe("SIGINT, SIGTERM and SIGHUP during a run", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${signal}: writes what was queued, records the run FAILED with the signal, then ends by the signal`, async () => {
      const { code, signal: received, lines } = await interrupt(signal);
      // Killed by the signal, as without dashlog: the shell still sees 130, 143 or 129.
      expect(received).toBe(signal);
      expect(code).toBeNull();
      const records = lines.filter((l) => l["kind"] === "writeSync");
      expect(records.map((r) => r["seq"])).toEqual([0, 1, 2, 3, 4, 5]);
      expect(records.at(-1)).toMatchObject({ level: "fatal", message: `Process interrupted: Interrupted: the process received ${signal} while the run was RUNNING` });
      expect(lines.at(-1)).toEqual({ kind: "closeRunSync", status: "FAILED", error: { name: "Interrupted", message: `the process received ${signal} while the run was RUNNING` } });
    });
  }

  it("leaves the shutdown to a program that listens for the signal itself", async () => {
    const { code, signal, lines } = await interrupt("SIGINT", 'process.on("SIGINT", async () => { await exp.complete(); process.exit(0); });');
    expect([code, signal]).toEqual([0, null]);
    expect(lines.filter((l) => l["kind"] === "write").map((r) => r["seq"])).toEqual([0, 1, 2, 3, 4]);
    expect(lines.at(-1)).toEqual({ kind: "closeRun", status: "COMPLETED" });
  });

  it("listens only while a run is RUNNING", async () => {
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const run = await new Experiment({ prefix: "signal/listeners", sink: new MemorySink() }).start();
    expect(process.listenerCount("SIGINT")).toBe(before.int + 1);
    expect(process.listenerCount("SIGTERM")).toBe(before.term + 1);
    await run.complete();
    expect({ int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") }).toEqual(before);
  });
});
