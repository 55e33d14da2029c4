import type { OutputStream } from "./cli-io.js";

export interface ProgressBar {
  /** Adds `n` done units (default 1). */
  tick(n?: number): void;
  /** Clears the bar; call once when finished or failed. */
  done(): void;
}

export interface ProgressBarOptions {
  readonly label: string;
  /** Units expected in all; 0 or less draws a counter without a bar. */
  readonly total: number;
  readonly unit: string;
  /** Nothing is drawn before this many ms, so quick commands print nothing. Default 300. */
  readonly delayMs?: number;
  /** Least ms between redraws. Default 100. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const WIDTH = 28;
const NOOP: ProgressBar = { tick() {}, done() {} };

/**
 * A one-line progress bar on `stream` (stderr), redrawn in place with `\r`. Only on a
 * TTY: in a pipe, a log file or CI it would be noise, so there it does nothing.
 */
export function progressBar(stream: OutputStream, options: ProgressBarOptions): ProgressBar {
  if (stream.isTTY !== true) return NOOP;
  const now = options.now ?? Date.now;
  const started = now();
  const delayMs = options.delayMs ?? 300;
  const intervalMs = options.intervalMs ?? 100;
  let count = 0;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const draw = (): void => {
    const total = options.total;
    let line = `${options.label} `;
    if (total > 0) {
      const ratio = Math.min(1, count / total);
      const filled = Math.round(ratio * WIDTH);
      line += `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% `;
      line += `${count.toLocaleString("en-US")}/${total.toLocaleString("en-US")} ${options.unit}`;
    } else {
      line += `${count.toLocaleString("en-US")} ${options.unit}`;
    }
    // A terminal that reports no size (0, as some ptys do) gets the usual 80 columns.
    const columns = stream.columns !== undefined && stream.columns >= 20 ? stream.columns : 80;
    stream.write(`\r${line.slice(0, columns - 1)}\u001b[K`);
    drawn = true;
  };
  return {
    tick(n = 1) {
      count += n;
      const t = now();
      if (t - started < delayMs || t - drawnAt < intervalMs) return;
      drawnAt = t;
      draw();
    },
    done() {
      if (drawn) stream.write("\r\u001b[K");
      drawn = false;
    },
  };
}
