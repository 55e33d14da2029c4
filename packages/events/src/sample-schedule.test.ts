import { describe, expect, it } from "vitest";
import { SampleSchedule } from "./sample-schedule.js";

describe("SampleSchedule", () => {
  it("is due on the first call, then again only once everyMs has passed (the boundary included)", () => {
    const schedule = new SampleSchedule(100);
    expect([0, 50, 99.9, 100, 150, 200].map((t) => schedule.due(t))).toEqual([true, false, false, true, false, true]);
  });

  it("reports the interval between samples, and a baseline for the first", () => {
    const schedule = new SampleSchedule(100);
    schedule.due(10);
    expect(schedule.isBaseline).toBe(true);
    schedule.due(50);
    schedule.due(135);
    expect(schedule.isBaseline).toBe(false);
    expect(schedule.interval).toBe(125);
  });

  it("starts a new baseline when time goes backwards (events of another clock)", () => {
    const schedule = new SampleSchedule(100);
    schedule.due(1000);
    expect(schedule.due(5)).toBe(true);
    expect(schedule.isBaseline).toBe(true);
    expect(schedule.due(50)).toBe(false);
  });

  it("with everyMs 0 is due on every call, even at the same time", () => {
    const schedule = new SampleSchedule(0);
    expect([1, 1, 2].map((t) => schedule.due(t))).toEqual([true, true, true]);
    expect(schedule.interval).toBe(1);
  });
});
