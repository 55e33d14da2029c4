import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { collectOutput, startDashlog } from "./run-dashlog.js";

/** A running `dashlog serve` on a free port, and its printed URL. */
export interface ServeProcess {
  readonly url: string;
  /** The origin, without path or token. */
  readonly origin: string;
  stop(): Promise<void>;
}

export async function startServe(args: readonly string[]): Promise<ServeProcess> {
  const child = startDashlog(["serve", "--port", "0", ...args]);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const out = collectOutput(child);
  const text = await out.until((s) => /at http:\/\/\S+\n/.test(s)).catch((error: Error) => {
    throw new Error(`${error.message}\nstderr: ${stderr}`);
  });
  const url = /at (http:\/\/\S+)\n/.exec(text)?.[1] as string;
  return {
    url,
    origin: new URL(url).origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

const CLI_DIR = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Runs `source` (an ES module body) in another Node process, from the CLI package so that
 * `@dashlog/core` and `@dashlog/local-jsonl` resolve: a writer that is not the server.
 */
export function runNode(source: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", source], { cwd: CLI_DIR, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
