import { describe, expect, it } from "vitest";
import { parseTimeArgument } from "./duration.js";
import { UsageError } from "./usage-error.js";

const NOW = Date.UTC(2025, 9, 29, 12, 0, 0);

describe("parseTimeArgument", () => {
  it.each([
    ["90s", 90_000],
    ["10m", 600_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1h30m", 5_400_000],
    ["500ms", 500],
    ["1.5h", 5_400_000],
  ])("%s is that long before now", (text, ms) => {
    expect(parseTimeArgument(text, "--since", NOW)).toBe(NOW - ms);
  });

  it("reads ISO-8601 times and dates", () => {
    expect(parseTimeArgument("2025-10-29T10:30:00Z", "--since", NOW)).toBe(Date.UTC(2025, 9, 29, 10, 30));
    expect(parseTimeArgument("2025-10-29", "--since", NOW)).toBe(Date.UTC(2025, 9, 29));
  });

  it.each(["yesterday", "10", "10 minutes", "-5m", "2025-13-45T99:00:00Z", ""])("refuses %j naming the option", (text) => {
    expect(() => parseTimeArgument(text, "--until", NOW)).toThrow(UsageError);
    expect(() => parseTimeArgument(text, "--until", NOW)).toThrow(/^--until must be a duration/);
  });
});
