import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "./errors.js";
import { compileMetricFilter, matchesMetricFilter, type MetricPoint } from "./metric-reader.js";

const point = (index: number, worker?: string): MetricPoint => ({ index, data: { loss: index }, createdAt: "2026-01-01T00:00:00.000Z", ...(worker === undefined ? {} : { worker }) });

describe("the metric filter's worker", () => {
  it("keeps only that worker's points; without a worker, every point", () => {
    const points = [point(0, "0"), point(0, "1"), point(1, "0"), point(2)];
    expect(points.filter((p) => matchesMetricFilter(p, compileMetricFilter({ worker: "0" })))).toEqual([point(0, "0"), point(1, "0")]);
    expect(points.filter((p) => matchesMetricFilter(p, compileMetricFilter({})))).toHaveLength(4);
  });

  it("refuses a name no worker can have with a typed error naming the option and the value", () => {
    expect(() => compileMetricFilter({ worker: "" })).toThrow(InvalidArgumentError);
    expect(() => compileMetricFilter({ worker: "a b" })).toThrow(/worker.*"a b"/);
  });
});
