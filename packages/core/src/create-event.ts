import type { Event } from "./event.js";

/** Builds a complete Event from a few fields; for tests of custom consumers and aggregators. */
export function createEvent(fields: Partial<Event> = {}): Event {
  return {
    sequenceNumber: 0,
    timestamp: Date.UTC(2025, 9, 29, 10, 30, 0),
    monotonic: 0,
    category: "log",
    kind: "point",
    id: undefined,
    level: "info",
    message: "",
    metadata: null,
    payload: undefined,
    ...fields,
  };
}
