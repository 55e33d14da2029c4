import { describe, expect, it } from "vitest";
import { defineConsumer } from "../src/consumer.js";
import { InvalidPrefixError } from "../src/errors.js";
import { Experiment } from "../src/experiment.js";
import { MemorySink } from "../src/memory-sink.js";
import type { RunInfo } from "../src/sink.js";

/** A MemorySink that remembers every openRun call (where a real sink takes the lock). */
class OpeningSink extends MemorySink {
  readonly opened: RunInfo[] = [];
  override openRun(run: RunInfo) {
    this.opened.push(run);
    return super.openRun(run);
  }
}

// Consumers used to be set up after sink.openRun(), so a bad one failed start() with the
// experiment's lock taken and a RUNNING run recorded: every later run of that prefix in the
// same process was refused with ExperimentLockedError.
describe("start() with a bad consumer", () => {
  it("refuses a stream name that is not a safe file name before the sink is touched", async () => {
    const sink = new OpeningSink();
    const experiment = new Experiment({ prefix: "bad/consumer", sink, consumers: { "../escape": () => 1 } });
    await expect(experiment.start()).rejects.toThrow(InvalidPrefixError);
    await expect(experiment.start()).rejects.toThrow(/stream name "\.\.\/escape"/);
    expect(sink.opened).toEqual([]);
    expect(sink.runs("bad/consumer")).toEqual([]);
  });

  it("passes on a fresh() that throws, without opening a run, and closes the consumers already made", async () => {
    const sink = new OpeningSink();
    const closed: string[] = [];
    const good = defineConsumer(() => 1, { fresh: () => defineConsumer(() => 1, { close: () => closed.push("good") }) });
    const bad = defineConsumer(() => 1, {
      fresh: () => {
        throw new Error("cannot make a fresh copy");
      },
    });
    const experiment = new Experiment({ prefix: "bad/fresh", sink, consumers: { good, bad } });
    await expect(experiment.start()).rejects.toThrow("cannot make a fresh copy");
    expect(sink.opened).toEqual([]);
    expect(closed).toEqual(["good"]);
  });
});
