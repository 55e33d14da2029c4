import { Experiment, MemorySink, type LogRecord } from "@dashlog/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { dashlogDestination, type DashlogDestination } from "../src/dashlog-destination.js";

const PREFIX = "alice/app";

async function logThroughPino(fn: (destination: DashlogDestination) => void): Promise<LogRecord[]> {
  const sink = new MemorySink();
  await new Experiment({ prefix: PREFIX, sink }).run((exp) => {
    fn(dashlogDestination(exp));
  });
  return sink.logs(PREFIX);
}

describe("dashlogDestination", () => {
  it("turns each pino line into a record: level mapped, msg as message, the rest as metadata", async () => {
    const records = await logThroughPino((destination) => {
      const logger = pino({ level: "trace" }, destination);
      logger.trace("tracing");
      logger.debug("debugging");
      logger.info({ epoch: 3 }, "epoch done");
      logger.warn("careful");
      logger.error("broken");
      logger.fatal("gone");
    });
    expect(records.map((r) => [r.sequenceNumber, r.level, r.message])).toEqual([
      [0, "debug", "tracing"],
      [1, "debug", "debugging"],
      [2, "info", "epoch done"],
      [3, "warn", "careful"],
      [4, "error", "broken"],
      [5, "fatal", "gone"],
    ]);
    expect(records[0]?.metadata).toMatchObject({ pinoLevel: 10, pid: process.pid });
    expect(records[2]?.metadata).toEqual({ time: expect.any(Number), pid: process.pid, hostname: expect.any(String), epoch: 3 });
    expect(records[3]?.metadata).not.toHaveProperty("pinoLevel");
  });

  it("keeps child bindings and serialised errors, and uses an error's message when there is no msg", async () => {
    const records = await logThroughPino((destination) => {
      const child = pino(destination).child({ reqId: "r-1", user: { id: 7 } });
      child.error(new RangeError("index 9 out of range"));
      child.error({ err: new Error("lost connection") });
      child.warn({ err: new Error("retrying") }, "upstream flaky");
    });
    expect(records.map((r) => r.message)).toEqual(["index 9 out of range", "lost connection", "upstream flaky"]);
    expect(records[0]?.metadata).toMatchObject({
      reqId: "r-1",
      user: { id: 7 },
      err: { type: "RangeError", message: "index 9 out of range", stack: expect.stringContaining("RangeError: index 9") },
    });
    expect(records[2]?.metadata?.["err"]).toMatchObject({ message: "retrying" });
  });

  it("maps custom levels to the nearest lower dashlog level and keeps the original", async () => {
    const records = await logThroughPino((destination) => {
      const custom = pino({ customLevels: { notice: 35, audit: 45, panic: 70 } }, destination);
      custom.notice("noticed");
      custom.audit("audited");
      custom.panic("panicked");
    });
    expect(records.map((r) => [r.level, r.message, r.metadata?.["pinoLevel"]])).toEqual([
      ["info", "noticed", 35],
      ["warn", "audited", 45],
      ["fatal", "panicked", 70],
    ]);
  });

  it("learns messageKey, errorKey and level labels from the logger", async () => {
    const records = await logThroughPino((destination) => {
      const custom = pino(
        {
          messageKey: "message",
          errorKey: "problem",
          customLevels: { notice: 35 },
          formatters: { level: (label) => ({ level: label }) },
        },
        destination,
      );
      custom.notice("as a label");
      custom.error({ problem: new Error("under errorKey") });
    });
    expect(records.map((r) => [r.level, r.message, r.metadata?.["pinoLevel"] ?? null])).toEqual([
      ["info", "as a label", "notice"],
      ["error", "under errorKey", null],
    ]);
  });

  it("lets explicit options win over what the logger tells", async () => {
    const sink = new MemorySink();
    await new Experiment({ prefix: PREFIX, sink }).run((exp) => {
      const logger = pino({ messageKey: "message" }, dashlogDestination(exp, { messageKey: "text" }));
      logger.info({ text: "from text" }, "from message");
    });
    expect(sink.logs(PREFIX)[0]).toMatchObject({ message: "from text", metadata: { message: "from message" } });
  });

  it("handles chunks that split or join lines, bytes included, and keeps non-JSON text", async () => {
    const sink = new MemorySink();
    await new Experiment({ prefix: PREFIX, sink }).run((exp) => {
      const destination = dashlogDestination(exp);
      destination.write('{"level":30,"msg":"one"}\n{"level":40,');
      destination.write(Buffer.from('"msg":"two ü"}\nnot json\n\n'));
      destination.write(Buffer.from([0xc3])); // the first byte of "é" alone
      destination.write(Buffer.from([0xa9]));
      destination.end();
    });
    expect(sink.logs(PREFIX).map((r) => [r.level, r.message, r.metadata])).toEqual([
      ["info", "one", null],
      ["warn", "two ü", null],
      ["info", "not json", { unparsed: true }],
      ["info", "é", { unparsed: true }],
    ]);
  });

  it("keeps a line whose fields cannot be stored, saying why", async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 70; i++) deep = { deep };
    const records = await logThroughPino((destination) => pino(destination).info(deep, "too deep"));
    expect(records[0]?.message).toBe("too deep");
    expect(records[0]?.metadata?.["invalidMetadata"]).toMatch(/nested deeper than 64 levels/);
  });

  it("never throws into the application after the run ended: those lines are counted as dropped", async () => {
    const sink = new MemorySink();
    const run = await new Experiment({ prefix: PREFIX, sink }).start();
    const destination = dashlogDestination(run);
    const logger = pino(destination);
    logger.info("kept");
    await run.complete();
    logger.info("too late");
    expect(destination.written).toBe(1);
    expect(destination.dropped).toBe(1);
    expect(sink.logs(PREFIX).map((r) => r.message)).toEqual(["kept"]);
  });

  it("logger.flush(cb) calls back once the sink has the records", async () => {
    const sink = new MemorySink();
    await new Experiment({ prefix: PREFIX, sink, flushIntervalMs: 60_000 }).run(async (exp) => {
      const logger = pino(dashlogDestination(exp));
      logger.info("flush me");
      expect(sink.logs(PREFIX)).toEqual([]);
      await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
      expect(sink.logs(PREFIX).map((r) => r.message)).toEqual(["flush me"]);
    });
  });

  it("names what it refuses", () => {
    expect(() => dashlogDestination({} as never)).toThrow(/dashlogDestination run must be a dashlog Run .*got \[object\]/);
    const sink = new MemorySink();
    return new Experiment({ prefix: PREFIX, sink }).run((exp) => {
      expect(() => dashlogDestination(exp, { messageKey: "" })).toThrow(/dashlogDestination option messageKey must be a non-empty string, got ""/);
    });
  });
});
