import { createEvent, InvalidArgumentError, MultiEventLog, type EventKind } from "@dashlog/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { debugSaturation } from "./debug-saturation.js";

function memoryLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level, base: null, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const span = (kind: EventKind, category: string, id: number, sequenceNumber = 0) => createEvent({ kind, category, id, sequenceNumber });

describe("debugSaturation", () => {
  it("prints the open-span counts through pino on span events and stores nothing", () => {
    const { logger, lines } = memoryLogger("debug");
    const log = new MultiEventLog().add(debugSaturation({ logger }));
    log.emit(span("start", "io", 1, 0));
    log.emit(createEvent({ sequenceNumber: 1 }));
    log.emit(span("start", "io", 2, 2));
    log.emit(span("finish", "io", 1, 3));
    expect(lines).toEqual([
      { level: 20, category: "io", kind: "start", id: 1, sequenceNumber: 0, open: { io: 1 }, msg: "span saturation" },
      { level: 20, category: "io", kind: "start", id: 2, sequenceNumber: 2, open: { io: 2 }, msg: "span saturation" },
      { level: 20, category: "io", kind: "finish", id: 1, sequenceNumber: 3, open: { io: 1 }, msg: "span saturation" },
    ]);
    expect(log.drain()["debugSaturation"]).toEqual([]);
  });

  it("prints nothing while its level is off, but keeps counting", () => {
    const { logger, lines } = memoryLogger("info");
    const consumer = debugSaturation({ logger });
    consumer(span("start", "io", 1));
    consumer(span("start", "io", 2));
    expect(lines).toEqual([]);
    logger.level = "debug";
    consumer(span("finish", "io", 1));
    expect(lines).toMatchObject([{ open: { io: 1 } }]);
  });

  it("prints at the chosen level", () => {
    const { logger, lines } = memoryLogger("info");
    debugSaturation({ logger, level: "warn" })(span("start", "gpu", 1));
    expect(lines).toMatchObject([{ level: 40, open: { gpu: 1 } }]);
  });

  it("rejects a missing logger or an unknown level", () => {
    expect(() => debugSaturation({} as Parameters<typeof debugSaturation>[0])).toThrow(
      new InvalidArgumentError("debugSaturation option logger", undefined, "must be a pino logger"),
    );
    const { logger } = memoryLogger("info");
    expect(() => debugSaturation({ logger, level: "loud" as "info" })).toThrow(/debugSaturation option level must be one of trace, debug/);
  });
});
