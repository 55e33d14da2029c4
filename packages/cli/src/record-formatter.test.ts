import { describe, expect, it } from "vitest";
import { recordFormatter } from "./record-formatter.js";

const record = { timestamp: "2025-10-29T10:30:00.000Z", level: "warn", message: "GPU memory low", metadata: { free_mb: 312, device: "cuda:0", note: "two words" }, sequenceNumber: 7 };

describe("recordFormatter", () => {
  it("lines up time, level, sequence number and message, then key=value metadata", () => {
    const format = recordFormatter({ color: false, sequenceWidth: 3 });
    expect(format(record)).toBe('2025-10-29 10:30:00.000Z  WARN     #7  GPU memory low  free_mb=312 device=cuda:0 note="two words"');
  });

  it("colours the level when asked", () => {
    const line = recordFormatter({ color: true })(record);
    expect(line).toContain("\u001b[33m\u001b[1mWARN \u001b[22m\u001b[39m");
  });

  it("shows records of other streams by their fields", () => {
    expect(recordFormatter({ color: false })({ rss: 1024, heapUsed: 512, sequenceNumber: 12 })).toBe("  #12  rss=1024 heapUsed=512");
  });
});
