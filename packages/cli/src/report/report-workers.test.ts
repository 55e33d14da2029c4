import type { WorkerPartState } from "@dashlog/core";
import { expect, it } from "vitest";
import { recordsByWorker, toReportWorkers } from "./report-workers.js";

const part = (worker: string, extra: Partial<WorkerPartState> = {}): WorkerPartState => ({
  worker,
  status: "COMPLETED",
  effectiveStatus: "COMPLETED",
  startedAt: "2026-01-01T00:00:00.000Z",
  endedAt: "2026-01-01T00:01:00.000Z",
  reserved: [{ first: 0, count: 100 }],
  unusedSequenceNumbers: [{ first: 40, count: 60 }],
  ...extra,
});

it("shows each part's effective status beside the stored one, its records, reservations, stated unused numbers and numbers taken but never recorded", () => {
  const crashed = part("2", {
    status: "RUNNING",
    effectiveStatus: "CRASHED",
    endedAt: undefined,
    unusedSequenceNumbers: undefined,
    crashReason: "its process 7 on h is gone",
    reserved: [{ first: 200, count: 100 }, { first: 400, count: 100 }],
    pid: 7,
    hostname: "h",
    unrecordedSequenceNumbers: [{ first: 500, count: 50 }],
    unrecordedSharedWith: ["3"],
  });
  const shown = toReportWorkers([part("0"), crashed], new Map([["0", 40], ["2", 150]]));
  expect(shown[0]).toMatchObject({ worker: "0", status: "COMPLETED", storedStatus: "COMPLETED", records: 40, reserved: { numbers: 100, blocks: 1 }, unused: [{ first: 40, count: 60 }], endedAt: "2026-01-01T00:01:00.000Z" });
  expect(shown[1]).toMatchObject({ worker: "2", status: "CRASHED", storedStatus: "RUNNING", crashReason: "its process 7 on h is gone", records: 150, reserved: { numbers: 200, blocks: 2 }, unused: null, endedAt: null, pid: 7, hostname: "h" });
  expect(shown[0]?.unrecorded).toBeNull();
  expect(shown[1]?.unrecorded).toEqual({ ranges: [{ first: 500, count: 50 }], sharedWith: ["3"] });
});

it("counts records per worker only where one run had that worker: records name no run", () => {
  const run = (runId: string, workers?: WorkerPartState[]) => ({ runId, status: "COMPLETED" as const, startedAt: "2026-01-01T00:00:00.000Z", firstSequenceNumber: 0, ...(workers === undefined ? {} : { workers }) });
  const runs = [run("a", [part("0"), part("1")]), run("b", [part("1"), part("2")]), run("c")];
  const counted = new Map([["0", 5], ["1", 9]]);
  expect(recordsByWorker(runs, counted)).toEqual(new Map<string, number | null>([["0", 5], ["1", null], ["2", 0]]));
});
