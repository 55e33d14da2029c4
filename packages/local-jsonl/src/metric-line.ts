import { isPlainObject, type JsonObject, type MetricPoint } from "@dashlog/core";
import { z } from "zod";

/**
 * A line of `metrics/<name>/data.jsonl`, as both ml-dash and dashlog write it; a joined run's
 * lines end with the `worker` that logged the point.
 */
export const metricLineSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  data: z.custom<JsonObject>((v) => isPlainObject(v), { message: "data must be a JSON object" }),
  createdAt: z.string().nullish(),
  worker: z.string().optional(),
});

/** The reader's view of a valid line. */
export function toMetricPoint(line: z.output<typeof metricLineSchema>): MetricPoint {
  const point = { index: line.index, data: line.data, createdAt: line.createdAt ?? null };
  return line.worker === undefined ? point : { ...point, worker: line.worker };
}
