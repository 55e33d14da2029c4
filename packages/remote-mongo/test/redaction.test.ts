import { inspect } from "node:util";
import { Experiment, type DashlogIssue } from "@dashlog/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MongoSinkError, mongoReader, mongoSink, redactUri } from "../src/index.js";
import { startTarget, type MongoTarget } from "./helpers/mongo-target.js";
import { tempDir } from "./helpers/temp-dir.js";

const PASSWORD = "S3cr@t!pw";
const ENCODED = encodeURIComponent(PASSWORD);

let target: MongoTarget;
beforeAll(async () => {
  target = await startTarget("redaction");
});
afterAll(async () => {
  await target.close();
});

/** Everything a user could ever see of an error: message, stack, inspect output, JSON, and the same for its cause. */
function everythingShown(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  return [String(e), e.stack, inspect(e, { depth: 5 }), JSON.stringify(e), e.cause === undefined ? "" : everythingShown(e.cause)].join("\n");
}

function expectNoPassword(text: string): void {
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(ENCODED);
  expect(text).not.toContain("S3cr");
}

describe("the URI's password never shows", () => {
  it("redactUri hides passwords and secret options", () => {
    expect(redactUri(`mongodb://alice:${ENCODED}@db1:27017,db2:27017/logs?replicaSet=rs0`)).toBe("mongodb://alice:***@db1:27017,db2:27017/logs?replicaSet=rs0");
    expect(redactUri("mongodb+srv://bob:pw@cluster0.example.net/?retryWrites=true")).toBe("mongodb+srv://bob:***@cluster0.example.net/?retryWrites=true");
    expect(redactUri("mongodb://localhost:27017")).toBe("mongodb://localhost:27017");
    expect(redactUri("mongodb://user@host/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok")).toBe(
      "mongodb://user@host/?authMechanism=MONGODB-AWS&authMechanismProperties=***",
    );
  });

  it("not when authentication fails, nor in issues or the close report", async () => {
    const spool = await tempDir();
    const issues: DashlogIssue[] = [];
    const uri = `mongodb://alice:${ENCODED}@127.0.0.1:${target.proxy.port}/?directConnection=true&authSource=admin`;
    const sink = mongoSink({
      uri,
      database: target.database,
      spoolDir: spool.path,
      clientOptions: { serverSelectionTimeoutMS: 1500 },
      flushTimeoutMs: 100,
      closeTimeoutMs: 100,
      onIssue: (i) => issues.push(i),
    });
    const error = await new Experiment({ prefix: "secret/auth", sink }).start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoSinkError);
    expect((error as MongoSinkError).message).toMatch(/cannot open run .* \(MongoDB at mongodb:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/.*\): Mongo\w+Error: .*Authentication failed/);
    expectNoPassword(everythingShown(error));

    await sink.write([{ experiment: "secret/auth", stream: "logs", records: [{ sequenceNumber: 0, message: "x" }] }]);
    await sink.flush();
    const report = await sink.closeWithReport();
    expect(report.unwritten.records).toBe(1);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expectNoPassword(issue.message);
      expectNoPassword(everythingShown(issue.error));
    }
    expectNoPassword(JSON.stringify(report));
    await spool.remove();
  });

  it("not when the server cannot be reached, nor in option errors", async () => {
    const port = target.proxy.port;
    await target.proxy.stop();
    try {
      const reader = mongoReader({ uri: `mongodb://alice:${ENCODED}@127.0.0.1:${port}/`, clientOptions: { serverSelectionTimeoutMS: 300 } });
      const error = await reader.tail("secret/unreachable", 5).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/cannot read from MongoDB at mongodb:\/\/alice:\*\*\*@127\.0\.0\.1/);
      expectNoPassword(everythingShown(error));
      await reader.close();
    } finally {
      await target.proxy.restart();
    }
    const optionError = (() => {
      try {
        mongoSink({ uri: `mongodb://alice:${ENCODED}@host/`, batchSize: -1 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect((optionError as Error).message).toMatch(/mongoSink option batchSize/);
    expectNoPassword(everythingShown(optionError));
    const parseError = (() => {
      try {
        mongoSink({ uri: `mongodb://alice:${ENCODED}@host/?notAnOption=${ENCODED}&tls=maybe` });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(parseError).toBeInstanceOf(MongoSinkError);
    expectNoPassword(everythingShown(parseError));
  });
});
