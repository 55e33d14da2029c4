import { describe, expect, it } from "vitest";
import { manualClock } from "./clock.js";
import { defineConsumer, type Consumer } from "./consumer.js";
import { InvalidArgumentError, InvalidLevelError, InvalidMetadataError, InvalidPrefixError, RunStateError } from "./errors.js";
import { Experiment } from "./experiment.js";
import type { DashlogIssue } from "./issues.js";
import { MemorySink } from "./memory-sink.js";
import { logRecordSchema } from "./schemas.js";

const prefix = "alice/project/my-experiment";

function setup(extra: Partial<ConstructorParameters<typeof Experiment>[0]> = {}) {
  const sink = new MemorySink();
  const issues: DashlogIssue[] = [];
  const experiment = new Experiment({ prefix, sink, onIssue: (i) => issues.push(i), ...extra });
  return { sink, issues, experiment };
}

describe("Experiment runs", () => {
  it("stores the seed's record for every log call, in order, with info as the default level", async () => {
    const clock = manualClock(Date.UTC(2025, 9, 29, 10, 30, 0));
    const { sink, experiment } = setup({ clock });
    await experiment.run((exp) => {
      exp.log("Training started");
      clock.advance(5000);
      exp.log("Epoch 1 complete", { level: "info", metadata: { train_loss: 0.5 } });
      exp.log("GPU memory low", { level: "warn" });
    });
    expect(sink.logs(prefix)).toEqual([
      { timestamp: "2025-10-29T10:30:00.000Z", level: "info", message: "Training started", metadata: null, sequenceNumber: 0 },
      { timestamp: "2025-10-29T10:30:05.000Z", level: "info", message: "Epoch 1 complete", metadata: { train_loss: 0.5 }, sequenceNumber: 1 },
      { timestamp: "2025-10-29T10:30:05.000Z", level: "warn", message: "GPU memory low", metadata: null, sequenceNumber: 2 },
    ]);
    for (const record of sink.logs(prefix)) expect(logRecordSchema.parse(record)).toEqual(record);
    expect(Object.keys(sink.logs(prefix)[0] ?? {})).toEqual(["timestamp", "level", "message", "metadata", "sequenceNumber"]);
  });

  it("continues sequence numbers across runs of the same prefix", async () => {
    const { sink, experiment } = setup();
    await experiment.run((exp) => {
      exp.log("a");
      exp.log("b");
    });
    await new Experiment({ prefix, sink }).run((exp) => {
      expect(exp.nextSequenceNumber).toBe(2);
      exp.log("c");
    });
    expect(sink.logs(prefix).map((r) => r.sequenceNumber)).toEqual([0, 1, 2]);
    expect(sink.runs(prefix).map((r) => [r.status, r.firstSequenceNumber, r.nextSequenceNumber])).toEqual([
      ["COMPLETED", 0, 2],
      ["COMPLETED", 2, 3],
    ]);
  });

  it("is RUNNING during the run and COMPLETED after, returning the callback's value", async () => {
    const { sink, experiment } = setup();
    const result = await experiment.run(async (exp) => {
      expect(exp.status).toBe("RUNNING");
      expect(sink.runs(prefix)[0]?.status).toBe("RUNNING");
      return 42;
    });
    expect(result).toBe(42);
    expect(sink.runs(prefix)[0]?.status).toBe("COMPLETED");
    expect(experiment.currentRun).toBeNull();
  });

  it("on a throw: logs the error, marks FAILED, rethrows the same error", async () => {
    const { sink, experiment } = setup();
    const boom = new RangeError("Gradient exploded");
    await expect(
      experiment.run(async (exp) => {
        exp.log("step");
        throw boom;
      }),
    ).rejects.toBe(boom);
    const last = sink.logs(prefix).at(-1);
    expect(last).toMatchObject({
      level: "error",
      message: "Run failed: RangeError: Gradient exploded",
      metadata: { error_type: "RangeError", error_message: "Gradient exploded" },
      sequenceNumber: 1,
    });
    expect(sink.runs(prefix)[0]?.status).toBe("FAILED");
  });

  it("supports await using: COMPLETED only when complete() was called in the block", async () => {
    const { sink, experiment } = setup();
    {
      await using exp = await experiment.start();
      exp.log("inside");
      expect(exp.status).toBe("RUNNING");
      await exp.complete();
    }
    expect(sink.runs(prefix)[0]?.status).toBe("COMPLETED");
    expect(sink.logs(prefix)).toHaveLength(1);
  });

  it("records a run disposed without complete() (its block threw) as FAILED, NotCompleted", async () => {
    const { sink, experiment } = setup();
    const thrown = new Error("the block threw");
    await expect(
      (async () => {
        await using exp = await experiment.start();
        exp.log("inside");
        throw thrown;
      })(),
    ).rejects.toBe(thrown);
    const [run] = sink.runs(prefix);
    expect([run?.status, run?.error?.name]).toEqual(["FAILED", "NotCompleted"]);
    expect(sink.logs(prefix).map((r) => [r.level, r.message.split(":")[0]])).toEqual([
      ["info", "inside"],
      ["error", "Run not completed"],
    ]);
  });

  it("records FAILED with await using when fail() is called", async () => {
    const { sink, experiment } = setup();
    {
      await using exp = await experiment.start();
      await exp.fail(new Error("checkpoint missing"));
    }
    expect(sink.runs(prefix)[0]?.status).toBe("FAILED");
    expect(sink.logs(prefix)[0]?.message).toBe("Run failed: Error: checkpoint missing");
  });

  it("refuses a second concurrent run and logging after the end", async () => {
    const { experiment } = setup();
    const exp = await experiment.start();
    await expect(experiment.start()).rejects.toThrow(RunStateError);
    const summary = await exp.complete();
    expect(await exp.complete()).toBe(summary);
  });

  it("does not throw into the caller when it logs after the run ended: drops, counts and reports it", async () => {
    const { sink, issues, experiment } = setup();
    const exp = await experiment.start();
    exp.log("on time");
    await exp.complete();
    expect(exp.log("late")).toBe(-1);
    expect(exp.emit({ category: "tick" }).sequenceNumber).toBe(-1);
    expect(() => exp.span("io", 1, () => 1)).not.toThrow();
    expect(exp.droppedAfterEnd).toBe(4);
    const late = issues.filter((i) => i.source === "run" && i.name === "after end");
    expect(late).toHaveLength(4);
    expect(late[0]?.error).toBeInstanceOf(RunStateError);
    expect(sink.logs(prefix).map((r) => r.message)).toEqual(["on time"]);
    // Bad input is still the caller's to see.
    expect(() => exp.log(42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it("keeps timestamps non-decreasing when the wall clock steps back", async () => {
    const clock = manualClock(Date.UTC(2025, 0, 1));
    const { sink, experiment } = setup({ clock });
    await experiment.run((exp) => {
      exp.log("a");
      clock.set(Date.UTC(2024, 0, 1));
      exp.log("b");
    });
    const [a, b] = sink.logs(prefix);
    expect(a?.timestamp).toBe("2025-01-01T00:00:00.000Z");
    expect(b?.timestamp).toBe("2025-01-01T00:00:00.000Z");
  });

  it("numbers 10,000 concurrent log calls from many async tasks without gaps or duplicates", async () => {
    const { sink, experiment } = setup({ batchSize: 512 });
    await experiment.run(async (exp) => {
      await Promise.all(
        Array.from({ length: 100 }, async (_, task) => {
          for (let i = 0; i < 100; i++) {
            exp.log(`task ${task} step ${i}`, { metadata: { task, i } });
            if (i % 7 === 0) await Promise.resolve();
          }
        }),
      );
    });
    const records = sink.logs(prefix);
    expect(records.map((r) => r.sequenceNumber)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    const perTask = new Map<number, number[]>();
    for (const r of records) {
      const m = r.metadata as { task: number; i: number };
      perTask.set(m.task, [...(perTask.get(m.task) ?? []), m.i]);
    }
    for (const steps of perTask.values()) expect(steps).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe("Experiment input errors", () => {
  it("names the field and the value", async () => {
    const { experiment, sink } = setup();
    await experiment.run((exp) => {
      exp.log("kept");
      expect(() => exp.log("x", { level: "verbose" as never })).toThrow(InvalidLevelError);
      expect(() => exp.log("x", { metadata: { n: 1n } })).toThrow(InvalidMetadataError);
      expect(() => exp.log(42 as never)).toThrow("message must be a string, got 42");
      expect(() => exp.log(undefined as never)).toThrow("message must be a string, got undefined");
      expect(() => exp.log(null as never)).toThrow("message must be a string, got null");
      expect(() => exp.log("x", "warn" as never)).toThrow('options must be an object like { level, metadata }, got "warn"');
      exp.log("also kept");
    });
    expect(sink.logs(prefix).map((r) => [r.sequenceNumber, r.message])).toEqual([
      [0, "kept"],
      [1, "also kept"],
    ]);
  });

  it("validates options once, at construction", () => {
    const sink = new MemorySink();
    expect(() => new Experiment({ prefix: "../escape", sink })).toThrow(InvalidPrefixError);
    expect(() => new Experiment({ prefix, sink, flushIntervalMs: -1 })).toThrow(/^Experiment option flushIntervalMs is invalid .*got -1$/);
    expect(() => new Experiment({ prefix, sink: {} as never })).toThrow(
      "Experiment option sink must be a sink: an object with a write(batches) method, got [object]",
    );
    expect(() => new Experiment({ prefix, sink, consumers: { logs: () => 1 } })).toThrow(/consumers\.logs is reserved/);
    expect(() => new Experiment({ prefix, sink, colour: "red" } as never)).toThrow(InvalidArgumentError);
  });
});

describe("consumers, streams and issues inside a run", () => {
  it("persists extra streams joined by sequence number, with a fresh consumer per run", async () => {
    let made = 0;
    const counter = (): Consumer<number> => {
      made++;
      let n = 0;
      return defineConsumer(() => ++n, { fresh: counter });
    };
    const { sink, experiment } = setup({ consumers: { count: counter() } });
    await experiment.run((exp) => {
      exp.log("a");
      exp.log("b");
    });
    await experiment.run((exp) => exp.log("c"));
    expect(sink.records(prefix, "count")).toEqual([
      { value: 1, sequenceNumber: 0 },
      { value: 2, sequenceNumber: 1 },
      { value: 1, sequenceNumber: 2 },
    ]);
    expect(made).toBe(3);
  });

  it("reports a throwing consumer on onIssue and still stores the log records", async () => {
    const { sink, issues, experiment } = setup({
      consumers: {
        flaky: () => {
          throw new Error("flaky consumer");
        },
      },
    });
    const summary = await experiment.run(async (exp) => {
      exp.log("a");
      exp.log("b");
      return exp.complete();
    });
    expect(sink.logs(prefix)).toHaveLength(2);
    expect(issues.map((i) => `${i.source}:${i.name}:${i.count}`)).toEqual(["consumer:flaky:1", "consumer:flaky:2"]);
    expect(summary.issues).toBe(2);
  });
});

describe("spans", () => {
  it("pairs start and finish events and records them in the logs stream at debug level", async () => {
    const { sink, experiment } = setup({ consumers: { kinds: (e) => `${e.category}:${e.kind}:${String(e.id ?? "")}` } });
    await experiment.run(async (exp) => {
      exp.span("epoch", 1, () => exp.log("inside"));
      await exp.span("io", "load", async () => {
        await Promise.resolve();
      });
    });
    expect(sink.records(prefix, "kinds").map((r) => r["value"])).toEqual([
      "epoch:start:1",
      "log:point:",
      "epoch:finish:1",
      "io:start:load",
      "io:finish:load",
    ]);
    expect(sink.logs(prefix)[0]).toMatchObject({ level: "debug", message: "start epoch 1" });
  });

  it("marks the finish of a failing span as an error and rethrows", async () => {
    const { sink, experiment } = setup();
    await experiment.run(async (exp) => {
      expect(() =>
        exp.span("step", 1, () => {
          throw new Error("nan loss");
        }),
      ).toThrow("nan loss");
      await expect(exp.span("step", 2, async () => Promise.reject(new Error("async nan")))).rejects.toThrow("async nan");
    });
    const finishes = sink.logs(prefix).filter((r) => r.message.startsWith("finish"));
    expect(finishes.map((r) => [r.level, r.metadata?.["error_message"]])).toEqual([
      ["error", "nan loss"],
      ["error", "async nan"],
    ]);
  });

  it("reports a finish without a start and a span never finished", async () => {
    const { issues, experiment } = setup();
    const summary = await experiment.run(async (exp) => {
      exp.finish("io", "ghost");
      exp.start("io", "open-forever");
      return exp.complete();
    });
    expect(issues.map((i) => i.message)).toEqual([
      'dashlog run "span" failed at event 0: span io/ghost finished but was never started',
      'dashlog run "span" failed at event 1: span io/open-forever (started at event 1) never finished before the run ended',
    ]);
    expect(summary.unfinishedSpans.map((s) => s.id)).toEqual(["open-forever"]);
  });
});
