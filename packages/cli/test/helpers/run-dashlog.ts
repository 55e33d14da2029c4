import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built binary, as `npm i -g @dashlog/cli` would run it. */
export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without colour switches, so each test sets exactly the ones it means. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ["NO_COLOR", "FORCE_COLOR", "DASHLOG_ROOT", "DASHLOG_DEBUG", "CI"]) delete env[key];
  return { ...env, ...extra };
}

/** Runs `dashlog ARGS` with pipes for stdout and stderr (so: not a TTY). */
export function dashlog(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? tmpdir(), env: cleanEnv(options.env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/** Starts `dashlog ARGS` and leaves it running (for --follow). */
export function startDashlog(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? tmpdir(), env: cleanEnv(options.env) });
}

/**
 * Everything the child prints on stdout, collected from the start (a listener added later
 * would miss what arrived in between), and a way to wait until it says something.
 */
export function collectOutput(child: ChildProcessWithoutNullStreams): { readonly text: () => string; until(done: (stdout: string) => boolean): Promise<string> } {
  let out = "";
  const waiters: { done: (stdout: string) => boolean; resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.done(out)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(out);
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    check();
  });
  child.once("exit", (code) => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`dashlog exited with ${code} before the expected output; got:\n${out}`));
  });
  return {
    text: () => out,
    until(done) {
      return new Promise((resolve, reject) => {
        waiters.push({ done, resolve, reject });
        check();
      });
    },
  };
}

export async function tempRoot(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "dashlog-cli-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
