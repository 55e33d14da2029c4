import type { RecordBatch, RunEnded, RunInfo, RunOpened, Sink } from "@dashlog/core";

export interface HttpSinkOptions {
  /** The ingest service, e.g. `https://logs.example.com/dashlog`; the sink POSTs to `<url>/batches`, `<url>/runs/open`, `<url>/runs/close`. */
  readonly url: string;
  /** Sent with every request, e.g. `{ authorization: "Bearer ..." }`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up on one request after this long; the batch is then offered again by core. Default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Sends dashlog records to an HTTP service as JSON. It only says *where* records go:
 * core's BatchProcessor decides *when* (every `flushIntervalMs` or `batchSize` records),
 * never calls `write` twice at once, and retries a failed `write` with backoff.
 */
export function httpSink(options: HttpSinkOptions): Sink {
  const base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function post(path: string, body: unknown): Promise<unknown> {
    const url = new URL(path, base);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    // Throwing is how a sink says "not stored": core reports it on the run's issues and offers the same batches again.
    if (!response.ok) throw new Error(`POST ${url.href} answered ${response.status}: ${text.slice(0, 200)}`);
    return text === "" ? null : (JSON.parse(text) as unknown);
  }

  return {
    // One request per write: the batches of every stream, `logs` first. The service must
    // ignore sequence numbers it already has, because a batch whose response was lost is sent again.
    async write(batches: readonly RecordBatch[]): Promise<void> {
      await post("batches", { batches });
    },

    // The service knows what it already stores for this experiment, so it says where numbering continues.
    async openRun(run: RunInfo): Promise<RunOpened> {
      const answer = (await post("runs/open", run)) as { nextSequenceNumber?: unknown } | null;
      const next = answer?.nextSequenceNumber;
      if (typeof next !== "number" || !Number.isSafeInteger(next) || next < 0) {
        throw new Error(`POST ${new URL("runs/open", base).href} must answer { "nextSequenceNumber": <integer >= 0> }, got ${JSON.stringify(answer)}`);
      }
      return { nextSequenceNumber: next };
    },

    // Called once every record of the run was written: COMPLETED or FAILED, with the sequence range.
    async closeRun(run: RunEnded): Promise<void> {
      await post("runs/close", run);
    },

    // No writeSync: Node cannot make an HTTP request synchronously, so records still queued
    // when the process exits are counted as lost (printed at exit) rather than sent.
  };
}
