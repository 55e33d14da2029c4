import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

/** What a fixture says on stdout: one JSON object a line, `{ "event": ..., ... }`. */
export interface ChildMessage {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** Every message the child wrote, in order. */
  readonly messages: readonly ChildMessage[];
}

/** A fixture process under test: read its messages, write to its stdin, wait for its end. */
export interface Child {
  readonly pid: number;
  readonly process: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Resolves with the first message (already received or yet to come) of this kind. */
  next(event: string): Promise<ChildMessage>;
  send(line: string): void;
  readonly exited: Promise<ChildExit>;
}

/** Absolute path of a fixture in test/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Starts `node test/fixtures/<name> ...args`. */
export function startChild(name: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [fixture(name), ...args], { stdio: ["pipe", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`could not start fixture ${name}`);
  const messages: ChildMessage[] = [];
  const waiters: { event: string; resolve: (m: ChildMessage) => void }[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  // A fixture killed with SIGKILL never reads its stdin: ignore the broken pipe.
  child.stdin.on("error", () => {});
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    let message: ChildMessage;
    try {
      message = JSON.parse(line) as ChildMessage;
    } catch {
      message = { event: "text", text: line };
    }
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.event === message.event) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const exited = new Promise<ChildExit>((resolve) => {
    // "close" comes after stdout ended, so every message is in `messages` by then.
    child.once("close", (code, signal) => resolve({ code, signal, stderr, messages }));
  });
  return {
    pid: child.pid,
    process: child,
    next(event) {
      const already = messages.find((m) => m.event === event);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise<ChildMessage>((resolve, reject) => {
        waiters.push({ event, resolve });
        void exited.then((end) =>
          reject(new Error(`fixture ${name} ended (code ${end.code}, signal ${end.signal}) before "${event}"; stderr:\n${end.stderr}`)),
        );
      });
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    exited,
  };
}
