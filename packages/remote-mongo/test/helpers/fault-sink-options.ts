import type { MongoSinkOptions } from "../../src/index.js";
import { TEST_CLIENT_OPTIONS, type MongoTarget } from "./mongo-target.js";
import { tempDir } from "./temp-dir.js";

/**
 * Sink options for tests that cut, stop or stall the connection: a fresh spool (removed by one of
 * `cleanups`), short retry delays, and issues kept off the test output (retries are expected
 * there; a test that checks issues passes its own `onIssue`).
 */
export async function faultSinkOptions(target: MongoTarget, cleanups: (() => Promise<void>)[], extra: Partial<MongoSinkOptions> = {}): Promise<MongoSinkOptions> {
  const spool = await tempDir();
  cleanups.push(spool.remove);
  return {
    uri: target.uri,
    database: target.database,
    spoolDir: spool.path,
    clientOptions: TEST_CLIENT_OPTIONS,
    flushIntervalMs: 5,
    retryInitialDelayMs: 20,
    retryMaxDelayMs: 200,
    onIssue: () => undefined,
    ...extra,
  };
}
