import { watch, type FSWatcher } from "node:fs";

/**
 * Waits for a file to change: an fs.watch notification when the platform gives one, and a
 * poll timer always, because fs.watch misses changes on some file systems (network mounts,
 * some containers) and cannot watch a file that does not exist yet.
 */
export class FileChangeWaiter {
  readonly #path: string;
  readonly #pollIntervalMs: number;
  #watcher: FSWatcher | undefined;
  /** A notification that arrived while nobody was waiting; kept so it is not lost. */
  #changed = false;
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(path: string, pollIntervalMs: number) {
    this.#path = path;
    this.#pollIntervalMs = pollIntervalMs;
  }

  /** Starts watching the file (call once it exists; again after it was replaced). Failure leaves polling alone. */
  watch(): void {
    if (this.#closed) return;
    this.#unwatch();
    try {
      // Not persistent: the poll timer is what keeps the process alive while someone follows.
      const watcher = watch(this.#path, { persistent: false }, () => this.#notify());
      watcher.on("error", () => {
        if (this.#watcher === watcher) this.#unwatch();
      });
      this.#watcher = watcher;
    } catch {
      // Polling covers it.
    }
  }

  get watching(): boolean {
    return this.#watcher !== undefined;
  }

  /** Resolves on the next change notification, after the poll interval, or when `signal` aborts. */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.#changed || this.#closed || signal?.aborted === true) {
      this.#changed = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#wake = undefined;
        this.#changed = false;
        resolve();
      };
      const timer = setTimeout(done, this.#pollIntervalMs);
      signal?.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  /** Stops watching and releases a pending wait; safe to call more than once. */
  close(): void {
    this.#closed = true;
    this.#unwatch();
    this.#wake?.();
  }

  #notify(): void {
    if (this.#wake !== undefined) this.#wake();
    else this.#changed = true;
  }

  #unwatch(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
