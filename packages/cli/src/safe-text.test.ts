import { expect, it } from "vitest";
import { safeText } from "./safe-text.js";

it("shows control characters as escapes and keeps ordinary text", () => {
  expect(safeText("\u001b[31mred\u0007")).toBe("\\x1b[31mred\\x07");
  expect(safeText("a\r\nb")).toBe("a\\r\\nb");
  expect(safeText("a\nb", true)).toBe("a\nb");
  expect(safeText("tab\there, ünïcödé ✓")).toBe("tab\there, ünïcödé ✓");
  expect(safeText("\u009b2J")).toBe("\\x9b2J");
});
