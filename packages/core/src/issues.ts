export type IssueSource = "consumer" | "aggregator" | "sink" | "run";

/** Something went wrong off the caller's path: a consumer threw, a sink write failed, ... */
export interface DashlogIssue {
  readonly source: IssueSource;
  /** The consumer, aggregator or sink name. */
  readonly name: string;
  readonly error: unknown;
  /** How many issues this source has had so far, this one included. */
  readonly count: number;
  /** The event being handled, when there was one. */
  readonly sequenceNumber?: number;
  readonly message: string;
}

export type IssueListener = (issue: DashlogIssue) => void;

/**
 * The error channel of a log or run. Issues are counted per source; listeners see every one.
 * With no listener attached, the first issue of each source is printed as a process warning
 * (and says that later ones are only counted), so a failing consumer is never silent.
 */
export class IssueChannel {
  #listeners = new Set<IssueListener>();
  #counts = new Map<string, number>();
  #total = 0;

  on(listener: IssueListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  report(source: IssueSource, name: string, error: unknown, sequenceNumber?: number): void {
    const key = `${source}:${name}`;
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    this.#total++;
    const reason = error instanceof Error ? error.message : String(error);
    const at = sequenceNumber === undefined ? "" : ` at event ${sequenceNumber}`;
    const issue: DashlogIssue = {
      source,
      name,
      error,
      count,
      message: `dashlog ${source} ${JSON.stringify(name)} failed${at}: ${reason}`,
      ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    };
    if (this.#listeners.size === 0) {
      if (count === 1) {
        process.emitWarning(`${issue.message} (later failures of this ${source} are counted, not printed)`, {
          code: "DASHLOG_ISSUE",
        });
      }
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(issue);
      } catch (listenerError) {
        process.emitWarning(`dashlog issue listener threw: ${String(listenerError)}`, { code: "DASHLOG_ISSUE" });
      }
    }
  }

  /** Issues so far, for one source (`count("consumer", "bytes")`) or all. */
  count(source?: IssueSource, name?: string): number {
    if (source === undefined) return this.#total;
    if (name !== undefined) return this.#counts.get(`${source}:${name}`) ?? 0;
    let sum = 0;
    for (const [key, n] of this.#counts) if (key.startsWith(`${source}:`)) sum += n;
    return sum;
  }

  /** Per-source counts, keyed `source:name`. */
  counts(): ReadonlyMap<string, number> {
    return new Map(this.#counts);
  }
}
