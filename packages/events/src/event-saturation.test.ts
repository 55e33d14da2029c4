import { createEvent, type EventKind } from "@dashlog/core";
import { describe, expect, it } from "vitest";
import { eventSaturation } from "./event-saturation.js";

const span = (kind: EventKind, category: string, id: number) => createEvent({ kind, category, id });

describe("eventSaturation", () => {
  it("records the open spans per category after each start and finish", () => {
    const consumer = eventSaturation();
    expect(consumer.streamName).toBe("saturation");
    const out = [
      span("start", "epoch", 1),
      span("start", "io", 1),
      span("start", "io", 2),
      span("finish", "io", 1),
      span("finish", "epoch", 1),
    ].map((e) => consumer(e));
    expect(out).toEqual([
      { open: { epoch: 1 } },
      { open: { epoch: 1, io: 1 } },
      { open: { epoch: 1, io: 2 } },
      { open: { epoch: 1, io: 1 } },
      { open: { epoch: 0, io: 1 } },
    ]);
  });

  it("records nothing for point events", () => {
    expect(eventSaturation()(createEvent())).toBeUndefined();
  });

  it("hands out snapshots that later events do not change", () => {
    const consumer = eventSaturation();
    const first = consumer(span("start", "io", 1));
    consumer(span("start", "io", 2));
    expect(first).toEqual({ open: { io: 1 } });
  });

  it("does not go below zero on a finish without a start", () => {
    const consumer = eventSaturation();
    expect(consumer(span("finish", "io", 9))).toEqual({ open: { io: 0 } });
    expect(consumer(span("start", "io", 1))).toEqual({ open: { io: 1 } });
  });

  it("fresh() starts from zero", () => {
    const consumer = eventSaturation();
    consumer(span("start", "io", 1));
    expect(consumer.fresh?.()(span("start", "io", 2))).toEqual({ open: { io: 1 } });
  });
});
