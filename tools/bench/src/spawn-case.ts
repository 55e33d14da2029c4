import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RESULT_MARK } from "./child-markers.js";

const CHILD = fileURLToPath(new URL("./child.js", import.meta.url));

export interface SpawnOptions {
  /** Extra node flags, e.g. `--expose-gc`. */
  readonly nodeArgs?: readonly string[];
  /** Called with each stdout line (for ready markers). */
  readonly onLine?: (line: string) => void;
}

/** A running child case: its process and the result it will print. */
export interface ChildCase<T> {
  readonly child: ChildProcess;
  readonly result: Promise<T>;
}

/** Starts `case` in a fresh node process, so cases never share a heap or an event loop. */
export function startCase<T>(name: string, options: unknown, spawnOptions: SpawnOptions = {}): ChildCase<T> {
  const child = spawn(process.execPath, [...(spawnOptions.nodeArgs ?? []), CHILD, name, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const result = new Promise<T>((resolve, reject) => {
    let found: T | undefined;
    let pending = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => {
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith(RESULT_MARK)) found = JSON.parse(line.slice(RESULT_MARK.length)) as T;
        else spawnOptions.onLine?.(line);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0 && found !== undefined) resolve(found);
      else reject(new Error(`bench case ${name} exited with ${signal ?? code} ${found === undefined ? "without a result" : ""}`));
    });
  });
  return { child, result };
}

export function runCase<T>(name: string, options: unknown, spawnOptions: SpawnOptions = {}): Promise<T> {
  return startCase<T>(name, options, spawnOptions).result;
}

/** `runCase`, plus the whole process's wall time: from spawning node until the child exited. */
export async function runCaseTimed<T>(name: string, options: unknown): Promise<{ readonly result: T; readonly processWallMs: number }> {
  const t0 = performance.now();
  const result = await runCase<T>(name, options);
  return { result, processWallMs: performance.now() - t0 };
}
