import { describe, expect, it } from "vitest";
import { PINO_LEVEL_OF, levelFromPinoValue } from "./level-mapping.js";

describe("levelFromPinoValue", () => {
  it.each([
    [0, "debug"],
    [10, "debug"], // pino's trace: nothing lower exists in dashlog
    [19, "debug"],
    [20, "debug"],
    [25, "debug"],
    [30, "info"],
    [35, "info"],
    [40, "warn"],
    [49, "warn"],
    [50, "error"],
    [59, "error"],
    [60, "fatal"],
    [100, "fatal"],
    [-5, "debug"],
  ] as const)("maps pino %d to %s (nearest lower dashlog level)", (value, level) => {
    expect(levelFromPinoValue(value)).toBe(level);
  });

  it("round-trips every dashlog level through its pino value", () => {
    for (const [level, value] of Object.entries(PINO_LEVEL_OF)) expect(levelFromPinoValue(value)).toBe(level);
  });
});
