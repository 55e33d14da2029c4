import { describe, expect, it } from "vitest";
import { InvalidLevelError } from "./errors.js";
import { LEVELS, isAtLeast, isLevel, parseLevel } from "./level.js";

describe("levels", () => {
  it("accepts exactly debug, info, warn, error, fatal", () => {
    expect(LEVELS).toEqual(["debug", "info", "warn", "error", "fatal"]);
    for (const level of LEVELS) expect(parseLevel(level)).toBe(level);
    for (const bad of ["verbose", "INFO", "trace", "", "toString", "__proto__", 30, null, undefined]) {
      expect(isLevel(bad)).toBe(false);
    }
  });

  it("names the field and the value of an unknown level", () => {
    expect(() => parseLevel("verbose")).toThrow(InvalidLevelError);
    expect(() => parseLevel("verbose")).toThrow('level must be one of debug, info, warn, error, fatal; got "verbose"');
    expect(() => parseLevel(3, "options.level")).toThrow(/^options\.level must be one of .*got 3$/);
  });

  it("orders levels by severity", () => {
    expect(isAtLeast("error", "warn")).toBe(true);
    expect(isAtLeast("warn", "warn")).toBe(true);
    expect(isAtLeast("info", "warn")).toBe(false);
    expect(isAtLeast("fatal", "debug")).toBe(true);
  });
});
