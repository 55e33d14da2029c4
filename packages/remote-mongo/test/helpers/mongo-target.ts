import { randomBytes } from "node:crypto";
import { FaultProxy, MongoTestServer } from "@dashlog/mongo-test-server";
import { MongoClient, type MongoClientOptions } from "mongodb";

/** Short timeouts so outages are noticed quickly in tests. */
export const TEST_CLIENT_OPTIONS: MongoClientOptions = {
  serverSelectionTimeoutMS: 1500,
  connectTimeoutMS: 1000,
  socketTimeoutMS: 5000,
  heartbeatFrequencyMS: 500,
};

/**
 * The database the tests talk to: a real MongoDB when MONGODB_URI is set, else the
 * in-repo test server; either way behind a FaultProxy, so outages can be staged.
 */
export interface MongoTarget {
  /** True when MONGODB_URI points at a real server. */
  readonly real: boolean;
  /** The test server, when no real MongoDB is used (for faults only it can inject). */
  readonly server: MongoTestServer | undefined;
  readonly proxy: FaultProxy;
  /** Through the proxy. */
  readonly uri: string;
  /** Straight to the database, for checks that must not be hit by staged faults. */
  readonly client: MongoClient;
  /** A fresh database per test file, dropped by `close()`. */
  readonly database: string;
  close(): Promise<void>;
}

const URI = /^mongodb:\/\/([^@/?]*@)?([^/?,]+)(\/[^?]*)?(\?.*)?$/i;

export async function startTarget(name: string): Promise<MongoTarget> {
  const real = process.env["MONGODB_URI"];
  const database = `dashlog_test_${name}_${randomBytes(4).toString("hex")}`;
  let server: MongoTestServer | undefined;
  let directUri: string;
  if (real === undefined || real === "") {
    server = await MongoTestServer.start();
    directUri = server.uri;
  } else {
    directUri = real;
  }
  const match = URI.exec(directUri);
  if (match === null) throw new Error("MONGODB_URI must be a single-host mongodb:// URI for these tests (the fault proxy forwards to one host)");
  const [host, port] = (match[2] ?? "").split(":");
  const proxy = await FaultProxy.start({ targetHost: host === "localhost" ? "127.0.0.1" : (host ?? "127.0.0.1"), targetPort: Number(port ?? 27017) });
  const query = (match[4] ?? "").replace(/[?&]directConnection=[^&]*/i, "").replace(/^&/, "?");
  const uri = `mongodb://${match[1] ?? ""}127.0.0.1:${proxy.port}/${query === "" ? "?" : `${query}&`}directConnection=true`;
  const client = new MongoClient(directUri, TEST_CLIENT_OPTIONS);
  await client.connect();
  return {
    real: server === undefined,
    server,
    proxy,
    uri,
    client,
    database,
    async close() {
      await client.db(database).dropDatabase().catch(() => undefined);
      await client.close();
      await proxy.close();
      await server?.close();
    },
  };
}

/** The sequence numbers stored for `experiment` in `collection`, ascending, duplicates kept. */
export async function storedSequenceNumbers(target: MongoTarget, experiment: string, collection = "logs", stream?: string): Promise<number[]> {
  const docs = await target.client
    .db(target.database)
    .collection(collection)
    .find(stream === undefined ? { experiment } : { experiment, stream }, { projection: { _id: 0, sequenceNumber: 1 }, batchSize: 100_000 })
    .toArray();
  return docs.map((d) => d["sequenceNumber"] as number).sort((a, b) => a - b);
}

/** Describes what is wrong with `seqs` as "every number of [0, n) exactly once", or "" when right. */
export function exactlyOnceProblems(seqs: readonly number[], n: number): string {
  const counts = new Map<number, number>();
  for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
  const missing: number[] = [];
  for (let i = 0; i < n && missing.length < 10; i++) if (!counts.has(i)) missing.push(i);
  const duplicated = [...counts].filter(([, c]) => c > 1).slice(0, 10).map(([s]) => s);
  const extra = [...counts.keys()].filter((s) => s < 0 || s >= n).slice(0, 10);
  if (missing.length === 0 && duplicated.length === 0 && extra.length === 0 && seqs.length === n) return "";
  return `count ${seqs.length} of ${n}; missing ${JSON.stringify(missing)}; duplicated ${JSON.stringify(duplicated)}; out of range ${JSON.stringify(extra)}`;
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
