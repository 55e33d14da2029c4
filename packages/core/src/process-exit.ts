type ExitHandler = (exitCode: number) => void;
type CrashHandler = (error: unknown, origin: string) => void;

const exitHandlers = new Set<ExitHandler>();
const crashHandlers = new Set<CrashHandler>();
let installed = false;

// One listener of each kind for the whole process, however many runs and sinks exist,
// so a program with many experiments never trips MaxListenersExceededWarning.
function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", (code) => {
    for (const handler of [...exitHandlers]) {
      try {
        handler(code);
      } catch (error) {
        process.stderr.write(`dashlog: exit handler failed: ${String(error)}\n`);
      }
    }
  });
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

/** Runs `handler` synchronously when the process exits; returns an unsubscribe function. */
export function onProcessExit(handler: ExitHandler): () => void {
  install();
  exitHandlers.add(handler);
  return () => exitHandlers.delete(handler);
}

/** Runs `handler` when an exception is about to crash the process. */
export function onProcessCrash(handler: CrashHandler): () => void {
  install();
  crashHandlers.add(handler);
  return () => crashHandlers.delete(handler);
}
