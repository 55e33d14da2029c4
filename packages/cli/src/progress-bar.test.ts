import { describe, expect, it } from "vitest";
import type { OutputStream } from "./cli-io.js";
import { progressBar } from "./progress-bar.js";

function fakeStream(isTTY: boolean): OutputStream & { text: string } {
  return {
    text: "",
    isTTY,
    columns: 100,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
    once() {},
  };
}

describe("progressBar", () => {
  it("draws nothing when the stream is not a terminal", () => {
    const stream = fakeStream(false);
    const bar = progressBar(stream, { label: "push", total: 10, unit: "records", delayMs: 0, intervalMs: 0 });
    bar.tick(5);
    bar.done();
    expect(stream.text).toBe("");
  });

  it("draws in place on a terminal after the delay, then clears its line", () => {
    let now = 0;
    const stream = fakeStream(true);
    const bar = progressBar(stream, { label: "push", total: 200, unit: "records", delayMs: 300, intervalMs: 100, now: () => now });
    bar.tick(50);
    expect(stream.text).toBe("");
    now = 400;
    bar.tick(50);
    expect(stream.text).toBe(`\rpush [${"#".repeat(14)}${"-".repeat(14)}]  50% 100/200 records\u001b[K`);
    now = 450;
    bar.tick(100); // within the redraw interval: no redraw
    expect(stream.text.split("\r")).toHaveLength(2);
    bar.done();
    expect(stream.text.endsWith("\r\u001b[K")).toBe(true);
  });
});
