import type { CliIo } from "./cli-io.js";

/** The real process: stdout, stderr, environment, and Ctrl-C as an abort signal. */
export function processIo(): CliIo {
  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    // The first Ctrl-C stops a follow or a push cleanly; a second one does not wait for that.
    if (++interrupts > 1) process.exit(130);
    controller.abort(new DOMException("interrupted", "AbortError"));
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };
}
