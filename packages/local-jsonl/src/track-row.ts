import { z } from "zod";

/** A row of `tracks/<topic>/data.jsonl`: ml-dash's time-keyed object (`timestamp` in seconds, then the fields). */
export const trackRowSchema = z.looseObject({ timestamp: z.number().optional() });
