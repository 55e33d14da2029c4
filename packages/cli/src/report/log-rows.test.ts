import { expect, it } from "vitest";
import { LogRows } from "./log-rows.js";
import type { ReportLogRow } from "./report-data.js";

const row = (seq: number, level: ReportLogRow[2], worker?: string): ReportLogRow => (worker === undefined ? [seq, seq, level, `m ${seq}`, null] : [seq, seq, level, `m ${seq}`, null, worker]);

it("keeps warnings and worse first, then the latest rows, and gives them back in log order", () => {
  const rows = new LogRows(3);
  for (let i = 0; i < 10; i++) rows.add(row(i, i === 2 ? "error" : "info"));
  expect(rows.result()).toEqual({ rows: [row(2, "error"), row(8, "info"), row(9, "info")], total: 10, omitted: 7 });
});

it("keeps a joined run's rows in the order the workers appended them, not by their sequence numbers", () => {
  const rows = new LogRows(10);
  // Worker a numbers from 0, worker b from 4000; their batches alternate in the log.
  for (const [seq, worker] of [[0, "a"], [4000, "b"], [1, "a"], [4001, "b"]] as const) rows.add(row(seq, seq === 4000 ? "warn" : "info", worker));
  expect(rows.result().rows.map((r) => r[0])).toEqual([0, 4000, 1, 4001]);
});
