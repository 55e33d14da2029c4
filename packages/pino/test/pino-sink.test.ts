import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Experiment, MemorySink, type DashlogIssue, type RecordBatch, type Sink } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { pinoSink } from "../src/pino-sink.js";
import { capturingLogger } from "./capture.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

describe("pinoSink", () => {
  it("logs each record at its level with message, metadata and where it came from", async () => {
    const { logger, lines } = capturingLogger();
    await new Experiment({ prefix: "alice/pino", sink: pinoSink(logger, { runs: false }) }).run((exp) => {
      exp.debug("warming up");
      exp.log("Epoch 1 complete", { metadata: { epoch: 1, loss: 0.5 } });
      exp.warn("GPU memory low");
      exp.error("checkpoint missing");
      exp.fatal("out of disk");
    });
    expect(lines.map((l) => [l["level"], l["msg"]])).toEqual([
      [20, "warming up"],
      [30, "Epoch 1 complete"],
      [40, "GPU memory low"],
      [50, "checkpoint missing"],
      [60, "out of disk"],
    ]);
    expect(lines[1]).toMatchObject({
      experiment: "alice/pino",
      stream: "logs",
      sequenceNumber: 1,
      metadata: { epoch: 1, loss: 0.5 },
    });
    expect(lines[1]?.["timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[0]).not.toHaveProperty("metadata");
  });

  it("leaves the message as written, even with printf-like text", async () => {
    const { logger, lines } = capturingLogger();
    await new Experiment({ prefix: "alice/pino", sink: pinoSink(logger, { runs: false }) }).run((exp) => {
      exp.log("100% done %s %d");
    });
    expect(lines[0]?.["msg"]).toBe("100% done %s %d");
  });

  it("respects the logger's level, bindings and metadataKey", async () => {
    const { logger, lines } = capturingLogger({ level: "warn" });
    const child = logger.child({ service: "trainer" });
    await new Experiment({ prefix: "alice/pino", sink: pinoSink(child, { runs: false, metadataKey: "meta" }) }).run((exp) => {
      exp.info("hidden by the logger's level");
      exp.warn("shown", { gpu: 0 });
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: "trainer", msg: "shown", meta: { gpu: 0 } });
  });

  it("skips other streams by default and logs them at the chosen level when asked", async () => {
    const consumers = { chars: (event: { message: string }) => ({ chars: event.message.length }) };
    const skipped = capturingLogger();
    await new Experiment({ prefix: "alice/pino", sink: pinoSink(skipped.logger, { runs: false }), consumers }).run((exp) => {
      exp.log("hello");
    });
    expect(skipped.lines.map((l) => l["stream"])).toEqual(["logs"]);

    const forwarded = capturingLogger();
    const sink = pinoSink(forwarded.logger, { runs: false, otherStreams: "debug" });
    await new Experiment({ prefix: "alice/pino", sink, consumers }).run((exp) => {
      exp.log("hello");
    });
    expect(forwarded.lines[1]).toMatchObject({
      level: 20,
      msg: "chars",
      stream: "chars",
      sequenceNumber: 0,
      record: { chars: 5 },
    });
  });

  it("logs the run's start and end, a failed run at error", async () => {
    const { logger, lines } = capturingLogger();
    const experiment = new Experiment({ prefix: "alice/runs", sink: pinoSink(logger) });
    await experiment.run((exp) => {
      exp.log("ok");
    });
    await expect(
      experiment.run(() => {
        throw new TypeError("bad input");
      }),
    ).rejects.toThrow("bad input");
    const runLines = lines.filter((l) => typeof l["msg"] === "string" && (l["msg"] as string).startsWith("run "));
    expect(runLines.map((l) => [l["level"], l["msg"], l["status"] ?? null])).toEqual([
      [30, "run RUNNING", null],
      [30, "run COMPLETED", "COMPLETED"],
      [30, "run RUNNING", null],
      [50, "run FAILED", "FAILED"],
    ]);
    expect(runLines[3]).toMatchObject({ error: { name: "TypeError", message: "bad input" }, firstSequenceNumber: 0 });
  });

  it("stores through `next` first, so numbering continues and a failed store is not logged twice", async () => {
    const { logger, lines } = capturingLogger();
    const memory = new MemorySink();
    let failures = 1;
    const flaky: Sink = {
      write(batches: readonly RecordBatch[]) {
        if (failures-- > 0) throw new Error("disk busy");
        memory.write(batches);
      },
      openRun: (run) => memory.openRun(run),
      closeRun: (run) => memory.closeRun(run),
    };
    const issues: DashlogIssue[] = [];
    const experiment = new Experiment({
      prefix: "alice/next",
      sink: pinoSink(logger, { next: flaky, runs: false }),
      onIssue: (issue) => issues.push(issue),
    });
    await experiment.run(async (exp) => {
      exp.log("first run");
      await exp.flush(); // the store fails: nothing may reach pino
      expect(lines).toEqual([]);
      await exp.flush(); // offered again, stored, then logged once
    });
    await experiment.run((exp) => {
      exp.log("second run");
    });
    expect(issues.map((i) => i.message)).toEqual([expect.stringContaining("disk busy")]);
    expect(memory.logs("alice/next").map((r) => r.sequenceNumber)).toEqual([0, 1]);
    expect(lines.map((l) => [l["sequenceNumber"], l["msg"]])).toEqual([
      [0, "first run"],
      [1, "second run"],
    ]);
    expect(memory.runs("alice/next").map((r) => r.status)).toEqual(["COMPLETED", "COMPLETED"]);
  });

  it("refuses to claim records were stored at exit when `next` cannot write synchronously", () => {
    const { logger } = capturingLogger();
    const sink = pinoSink(logger, { next: { write() {} } });
    const batch = { experiment: "a", stream: "logs", records: [] };
    expect(() => sink.writeSync([batch])).toThrow(/next has no writeSync/);
  });

  it("flushes the logger on flush() and close() without closing it", async () => {
    const flushed: string[] = [];
    const { logger } = capturingLogger();
    const spy = Object.assign(Object.create(logger) as typeof logger, {
      flush(callback?: (error?: Error) => void) {
        flushed.push("flush");
        callback?.();
      },
    });
    const sink = pinoSink(spy);
    await sink.flush();
    await sink.close();
    expect(flushed).toEqual(["flush", "flush"]);
  });

  it("names the option and the value it refuses", () => {
    const { logger } = capturingLogger();
    expect(() => pinoSink({} as never)).toThrow(/pinoSink logger must be a pino logger with debug, info, warn, error, fatal methods, got \[object\]/);
    expect(() => pinoSink(logger, { otherStreams: "verbose" as never })).toThrow(/pinoSink option otherStreams must be false or one of .*got "verbose"/);
    expect(() => pinoSink(logger, { metadataKey: "" })).toThrow(/pinoSink option metadataKey must be a non-empty string, got ""/);
    expect(() => pinoSink(logger, { next: {} as never })).toThrow(/pinoSink option next must be a sink/);
  });
});

describe("pinoSink at process exit", () => {
  it("logs every record still queued when the application calls process.exit()", async () => {
    // A script inside the package, so "@dashlog/pino" and "pino" resolve as they would for a user.
    const dir = await mkdtemp(join(packageDir, ".fixture-"));
    try {
      const script = join(dir, "app.mjs");
      await writeFile(
        script,
        [
          'import { Experiment } from "@dashlog/core";',
          'import { pinoSink } from "@dashlog/pino";',
          'import { pino } from "pino";',
          "const logger = pino(pino.destination({ fd: 1, sync: true }));",
          // A long interval: nothing is written before exit unless the exit handler does it.
          'const run = await new Experiment({ prefix: "alice/exit", sink: pinoSink(logger), flushIntervalMs: 60_000 }).start();',
          'for (let i = 0; i < 300; i++) run.log("step", { metadata: { i } });',
          "process.exit(0);",
        ].join("\n"),
      );
      const { stdout } = await promisify(execFile)(process.execPath, [script], { maxBuffer: 16 * 1024 * 1024 });
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((l) => l["msg"] === "step").map((l) => l["sequenceNumber"])).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(lines.at(-1)).toMatchObject({ msg: "run COMPLETED", status: "COMPLETED", nextSequenceNumber: 300 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
