import { execFile } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readLogs, readRunLines } from "./jsonl-files.js";

// The transport runs the built module in pino's worker thread, as it does for users.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const PREFIX = "alice/service/api";
let root = "";

beforeEach(async () => {
  if (!existsSync(join(packageDir, "dist", "transport.js"))) {
    throw new Error("dist/transport.js is missing: build first (pnpm --filter @dashlog/pino build)");
  }
  root = await mkdtemp(join(tmpdir(), "dashlog-pino-"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function closed(transport: ReturnType<typeof pino.transport>): Promise<void> {
  const done = once(transport, "close");
  transport.end();
  await done;
}

describe("@dashlog/pino/transport", () => {
  it("writes a pino logger's lines as records of one run in a worker thread", async () => {
    const transport = pino.transport({ target: "@dashlog/pino/transport", options: { prefix: PREFIX, root } });
    const logger = pino({ level: "trace" }, transport);
    logger.trace("tracing");
    logger.info({ route: "/users" }, "request served");
    logger.child({ reqId: "r-9" }).error(new Error("db down"));
    logger.warn({ err: new TypeError("bad header") });
    await closed(transport);

    const records = readLogs(root, PREFIX);
    expect(records.map((r) => [r.sequenceNumber, r.level, r.message])).toEqual([
      [0, "debug", "tracing"],
      [1, "info", "request served"],
      [2, "error", "db down"],
      [3, "warn", "bad header"],
    ]);
    expect(records[0]?.metadata).toMatchObject({ pinoLevel: 10, pid: process.pid });
    expect(records[1]?.metadata).toEqual({ time: expect.any(Number), pid: process.pid, hostname: expect.any(String), route: "/users" });
    expect(records[2]?.metadata).toMatchObject({ reqId: "r-9", err: { type: "Error", message: "db down" } });
    expect(readRunLines(root, PREFIX).map((r) => [r["status"], r["firstSequenceNumber"], r["nextSequenceNumber"] ?? null])).toEqual([
      ["RUNNING", 0, null],
      ["COMPLETED", 0, 4],
    ]);
    expect(existsSync(join(root, PREFIX, ".lock"))).toBe(false);
  }, 30_000);

  it("continues numbering in the next run and learns the logger's messageKey and custom levels", async () => {
    const first = pino.transport({ target: "@dashlog/pino/transport", options: { prefix: PREFIX, root } });
    pino(first).info("first process");
    await closed(first);

    const second = pino.transport({ target: "@dashlog/pino/transport", options: { prefix: PREFIX, root } });
    const logger = pino<"notice">({ messageKey: "message", customLevels: { notice: 35 } }, second);
    logger.notice("custom level");
    logger.info({ message: "under messageKey", msg: "just a field" });
    await closed(second);

    expect(readLogs(root, PREFIX).map((r) => [r.sequenceNumber, r.level, r.message, r.metadata?.["pinoLevel"] ?? null])).toEqual([
      [0, "info", "first process", null],
      [1, "info", "custom level", 35],
      [2, "info", "under messageKey", null],
    ]);
    expect(readLogs(root, PREFIX)[2]?.metadata).toMatchObject({ msg: "just a field" });
    expect(readRunLines(root, PREFIX).filter((r) => r["status"] === "COMPLETED")).toHaveLength(2);
  }, 30_000);

  it("fails the transport with an error naming a bad option", async () => {
    const transport = pino.transport({ target: "@dashlog/pino/transport", options: { prefix: "../escape", root } });
    const [error] = (await once(transport, "error")) as [Error];
    expect(error.message).toMatch(/@dashlog\/pino\/transport option prefix "..\/escape" is not allowed/);
    expect(existsSync(join(root, "..", "escape"))).toBe(false);
  }, 30_000);

  it("keeps every line when the application calls process.exit()", async () => {
    // A script inside the package, so "pino" and "@dashlog/pino/transport" resolve as they would for a user.
    const dir = await mkdtemp(join(packageDir, ".fixture-"));
    try {
      const script = join(dir, "app.mjs");
      await writeFile(
        script,
        [
          'import { pino } from "pino";',
          "const [root, prefix] = process.argv.slice(2);",
          'const logger = pino(pino.transport({ target: "@dashlog/pino/transport", options: { prefix, root } }));',
          'for (let i = 0; i < 500; i++) logger.info({ i }, "line");',
          "process.exit(3);",
        ].join("\n"),
      );
      const result = await promisify(execFile)(process.execPath, [script, root, PREFIX]).catch((error: { code?: number }) => error);
      expect((result as { code?: number }).code).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const records = readLogs(root, PREFIX);
    expect(records).toHaveLength(500);
    expect(records.map((r) => r.metadata?.["i"])).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(readRunLines(root, PREFIX).map((r) => r["status"])).toEqual(["RUNNING", "COMPLETED"]);
  }, 30_000);
});
