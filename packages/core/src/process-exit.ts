import { constants } from "node:os";

/** `signal` is set when the process is ending because of SIGINT or SIGTERM (see below). */
type ExitHandler = (exitCode: number, signal?: NodeJS.Signals) => void;
type CrashHandler = (error: unknown, origin: string) => void;

/**
 * Signals whose default action ends a Node process without an `exit` event (SIGHUP: the
 * terminal or SSH session of a long training run went away). While an exit
 * handler is registered (a run is RUNNING, a sink holds records), the process listens for
 * them, runs the exit handlers, then ends by the same signal, as it would have without
 * dashlog: same exit status, same message from the shell.
 */
const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

const exitHandlers = new Set<ExitHandler>();
const crashHandlers = new Set<CrashHandler>();
let installed = false;

// One listener of each kind for the whole process, however many runs and sinks exist,
// so a program with many experiments never trips MaxListenersExceededWarning.
function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", (code) => runExitHandlers(effectiveExitCode(code)));
  // The monitor event observes an uncaught exception (or unhandled rejection) without
  // changing what Node does next: the process still crashes as it would have.
  process.on("uncaughtExceptionMonitor", (error, origin) => {
    for (const handler of [...crashHandlers]) {
      try {
        handler(error, origin);
      } catch {
        // A crash is already under way; the exit handlers still run after this.
      }
    }
  });
}

/**
 * The status the process will really end with. Node passes 0 to `exit` listeners when a
 * top-level await never settled while `process.exitCode` is already 13 (and the process
 * does end with 13), so a 0 is checked against `process.exitCode`.
 */
export function effectiveExitCode(code: number): number {
  if (code !== 0) return code;
  const set = Number(process.exitCode ?? 0);
  return Number.isInteger(set) ? set : 0;
}

function runExitHandlers(code: number, signal?: NodeJS.Signals): void {
  for (const handler of [...exitHandlers]) {
    try {
      handler(code, signal);
    } catch (error) {
      process.stderr.write(`dashlog: exit handler failed: ${String(error)}\n`);
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener means the program handles this signal itself (it may await
  // complete() and then exit, which runs the exit handlers): leave the shutdown to it.
  if (process.listenerCount(signal) > 1) return;
  runExitHandlers(128 + (constants.signals[signal as keyof typeof constants.signals] ?? 0), signal);
  listenForSignals(false);
  // With no listener left, the signal's default action applies again: the process ends by it.
  process.kill(process.pid, signal);
}

let listening = false;

function listenForSignals(on: boolean): void {
  if (on === listening) return;
  listening = on;
  for (const signal of HANDLED_SIGNALS) {
    if (on) process.on(signal, onSignal);
    else process.off(signal, onSignal);
  }
}

/**
 * Runs `handler` synchronously when the process exits, and when SIGINT or SIGTERM would end
 * it (then with `signal` set); returns an unsubscribe function. The signals are listened for
 * only while at least one handler is registered.
 */
export function onProcessExit(handler: ExitHandler): () => void {
  install();
  exitHandlers.add(handler);
  listenForSignals(true);
  return () => {
    exitHandlers.delete(handler);
    if (exitHandlers.size === 0) listenForSignals(false);
  };
}

/** Runs `handler` when an exception is about to crash the process. */
export function onProcessCrash(handler: CrashHandler): () => void {
  install();
  crashHandlers.add(handler);
  return () => crashHandlers.delete(handler);
}
