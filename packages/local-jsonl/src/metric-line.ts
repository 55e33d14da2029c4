import { isPlainObject, type JsonObject, type MetricPoint } from "@dashlog/core";
import { z } from "zod";

/** A line of `metrics/<name>/data.jsonl`, as both ml-dash and dashlog write it. */
export const metricLineSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  data: z.custom<JsonObject>((v) => isPlainObject(v), { message: "data must be a JSON object" }),
  createdAt: z.string().nullish(),
});

/** The reader's view of a valid line. */
export function toMetricPoint(line: z.output<typeof metricLineSchema>): MetricPoint {
  return { index: line.index, data: line.data, createdAt: line.createdAt ?? null };
}
