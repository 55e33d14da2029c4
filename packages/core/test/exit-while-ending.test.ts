import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A real process has to exit for this, so the script runs the built package (dist/) in a
// child; `pnpm test` builds before it tests.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** Runs `body` after starting a run whose sink prints every closeRun/closeRunSync call as a JSON line. */
function runScript(body: string): Promise<{ code: number | null; lines: unknown[] }> {
  const script = `
    import { writeSync } from "node:fs";
    import { Experiment } from "@dashlog/core";
    const print = (kind) => (run) => writeSync(1, JSON.stringify({ kind, status: run.status, next: run.nextSequenceNumber, error: run.error }) + "\\n");
    const sink = { write() {}, writeSync() {}, closeRun: print("closeRun"), closeRunSync: print("closeRunSync") };
    const exp = await new Experiment({ prefix: "exit/while-ending", sink }).start();
    exp.log("a");
    exp.log("b");
    ${body}
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { cwd: packageDir }, (error, stdout) => {
      const code = error === null ? 0 : ((error as { code?: number }).code ?? null);
      resolve({ code, lines: stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown) });
    });
  });
}

describe("a process that exits while a run is still ending", () => {
  it("records COMPLETED when process.exit() comes before complete() finished", async () => {
    const { code, lines } = await runScript("void exp.complete(); process.exit(0);");
    expect(code).toBe(0);
    expect(lines).toEqual([{ kind: "closeRunSync", status: "COMPLETED", next: 2 }]);
  });

  it("records FAILED, with the error, when process.exit() comes before fail() finished", async () => {
    const { code, lines } = await runScript('void exp.fail(new Error("boom")); process.exit(1);');
    expect(code).toBe(1);
    expect(lines).toEqual([{ kind: "closeRunSync", status: "FAILED", next: 3, error: { name: "Error", message: "boom" } }]);
  });

  it("records the end only once when complete() finished before the exit", async () => {
    const { lines } = await runScript("await exp.complete(); process.exit(0);");
    expect(lines).toEqual([{ kind: "closeRun", status: "COMPLETED", next: 2 }]);
  });
});
