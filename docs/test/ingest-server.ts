import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RecordBatch, RunEnded, RunInfo, StoredRecord } from "@dashlog/core";

/** What the test's ingest service stores: records per experiment and stream, and run lines. */
export interface IngestServer {
  readonly url: string;
  readonly records: Map<string, StoredRecord[]>;
  readonly runs: (RunInfo | RunEnded)[];
  /** Requests received, by path. */
  readonly requests: string[];
  /** The next `n` requests to `path` answer 503 after storing nothing. */
  failNext(path: string, n: number): void;
  close(): Promise<void>;
}

/** A small ingest service on 127.0.0.1 (a free port), written the way the guide asks a real one to behave. */
export async function startIngestServer(): Promise<IngestServer> {
  const records = new Map<string, StoredRecord[]>();
  const runs: (RunInfo | RunEnded)[] = [];
  const requests: string[] = [];
  const failures = new Map<string, number>();
  const key = (experiment: string, stream: string) => `${experiment} ${stream}`;

  const server: Server = createServer((request, response) => {
    void handle(request).then(
      ([status, body]) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      },
      (error: unknown) => {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: String(error) }));
      },
    );
  });

  async function handle(request: IncomingMessage): Promise<[number, unknown]> {
    const path = request.url ?? "";
    requests.push(path);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
    const failing = failures.get(path) ?? 0;
    if (failing > 0) {
      failures.set(path, failing - 1);
      return [503, { error: "try again" }];
    }
    switch (path) {
      case "/ingest/batches": {
        for (const batch of (body as { batches: RecordBatch[] }).batches) {
          const stored = records.get(key(batch.experiment, batch.stream)) ?? [];
          const last = stored.at(-1)?.sequenceNumber ?? -1;
          // Idempotent: a batch sent again after a lost response adds nothing twice.
          stored.push(...batch.records.filter((r) => r.sequenceNumber > last));
          records.set(key(batch.experiment, batch.stream), stored);
        }
        return [200, { ok: true }];
      }
      case "/ingest/runs/open": {
        const run = body as RunInfo;
        runs.push(run);
        let next = 0;
        for (const [k, stored] of records) {
          if (k.startsWith(`${run.experiment} `)) next = Math.max(next, (stored.at(-1)?.sequenceNumber ?? -1) + 1);
        }
        return [200, { nextSequenceNumber: next }];
      }
      case "/ingest/runs/close":
        runs.push(body as RunEnded);
        return [200, { ok: true }];
      default:
        return [404, { error: `no route ${path}` }];
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ingest`,
    records,
    runs,
    requests,
    failNext: (path, n) => failures.set(path, n),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
