/** What both remote clients are given: the same server, the same batch size, the same records. */
export interface RemoteCaseOptions {
  readonly uri: string;
  /** A database of its own for each client and round. */
  readonly database: string;
  readonly records: number;
  readonly batchSize: number;
  /** Records logged between two yields to the event loop. */
  readonly burst: number;
  /** Sink only: its `maxQueueLength` (default 100,000: beyond it records go to the spool on disk and are replayed). */
  readonly sinkMaxQueueLength?: number;
  /** Sink only: its `spillAfterMs` (default 1,000: a record waiting longer moves the queue to the spool). */
  readonly sinkSpillAfterMs?: number;
  /** `insertMany` calls on their way at once: the sink's `maxConcurrentInserts` (default 2), the raw loop's own (default 1). */
  readonly concurrency?: number;
}

export interface RemoteCaseResult {
  readonly variant: string;
  readonly records: number;
  /** From the first record until every record is stored in MongoDB. */
  readonly elapsedMs: number;
  readonly recordsPerSecond: number;
  /** Documents counted in the logs collection afterwards. */
  readonly stored: number;
  /** Sink only: its stats (spooled, retries, ...). */
  readonly stats?: Readonly<Record<string, number>>;
}

export const REMOTE_PREFIX = "bench/remote";
