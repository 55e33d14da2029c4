import type { SpanId } from "@dashlog/core";

/** One string per (category, id); typeof keeps id 1 and id "1" apart, as the run's own bookkeeping does. */
export function spanKey(category: string, id: SpanId): string {
  return `${typeof id === "number" ? "n" : "s"}${String(id)}\u0000${category}`;
}
