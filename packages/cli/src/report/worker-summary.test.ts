import { expect, it } from "vitest";
import { compareWorkers, tallyWorkers, workersText } from "./worker-summary.js";

it("says how many workers completed out of all, then the others by status", () => {
  expect(workersText(tallyWorkers(["COMPLETED", "CRASHED", "COMPLETED", "COMPLETED"]))).toBe("3/4 completed, 1 crashed");
  expect(workersText(tallyWorkers(["RUNNING", "FAILED", "COMPLETED", "CRASHED", "RUNNING"]))).toBe("1/5 completed, 1 failed, 1 crashed, 2 running");
  expect(workersText(tallyWorkers(["COMPLETED", "COMPLETED"]))).toBe("2/2 completed");
});

it("orders workers as numbered, not as text", () => {
  expect(["10", "2", "rank-10", "1", "rank-2", "a"].sort(compareWorkers)).toEqual(["1", "2", "10", "a", "rank-2", "rank-10"]);
});
