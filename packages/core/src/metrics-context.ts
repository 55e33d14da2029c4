import type { Clock } from "./clock.js";
import type { IssueChannel } from "./issues.js";
import type { MetricsOpened } from "./metric-batches.js";
import type { StreamEntry } from "./record.js";

/** What `exp.params` and `exp.metrics` need from their run; built by the Run. */
export interface MetricsContext {
  readonly experiment: string;
  readonly clock: Clock;
  readonly issues: IssueChannel;
  /** Undefined when the sink does not store metrics and parameters. */
  readonly opened: MetricsOpened | undefined;
  /** True while the run is RUNNING; after its end, counts the call in `droppedAfterEnd`, reports it on `issues` and says false. */
  readonly isRunning: (what: string) => boolean;
  /** The batch processor's enqueue: O(1), no I/O, never throws. */
  readonly enqueue: (stream: string, entry: StreamEntry) => void;
}

/**
 * Reports, once per run, that the sink stores no metrics or parameters, and says whether
 * the caller should go on and queue the value.
 */
export function storesMetrics(context: MetricsContext, state: { warned: boolean }): boolean {
  if (context.opened !== undefined) return true;
  if (!state.warned) {
    state.warned = true;
    context.issues.report(
      "sink",
      "metrics",
      new Error(`the sink of ${JSON.stringify(context.experiment)} does not store metrics or parameters (its openRun() returned no "metrics"); they are dropped`),
    );
  }
  return false;
}

/** ISO-8601 text of a wall-clock time, remembered for the last millisecond: bursts share one. */
export class IsoTime {
  #time = Number.NaN;
  #iso = "";

  of(time: number): string {
    if (time !== this.#time) {
      this.#time = time;
      this.#iso = new Date(time).toISOString();
    }
    return this.#iso;
  }
}
