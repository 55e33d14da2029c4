import type { JsonObject } from "./json.js";
import type { Level } from "./level.js";

/** `point` is a single moment; `start` and `finish` bracket a timespan and share an `id`. */
export type EventKind = "point" | "start" | "finish";

/** The id that pairs a `start` event with its `finish`. */
export type SpanId = string | number;

/**
 * One thing that happened during a run. Every `exp.log(...)`, span start and span finish
 * is one Event; consumers turn Events into stream records.
 */
export interface Event {
  /** 0, 1, 2, ... per experiment, gap-free, continuing across runs; joins the records of every stream. */
  readonly sequenceNumber: number;
  /** Wall-clock time in milliseconds since the Unix epoch (UTC). Never decreases within a run. */
  readonly timestamp: number;
  /** `performance.now()` at the event, for durations; only comparable within one process. */
  readonly monotonic: number;
  /** What the event is about: `log` for `exp.log`, or a span category such as `epoch` or `io`. */
  readonly category: string;
  readonly kind: EventKind;
  /** Pairs a start with its finish; `undefined` on plain log events. */
  readonly id: SpanId | undefined;
  readonly level: Level;
  readonly message: string;
  /** The normalised copy of the caller's metadata (see `normalizeMetadata`), or null. */
  readonly metadata: JsonObject | null;
  /** Free-form data for consumers (the original's "timeline"); never persisted unless a consumer copies it. */
  readonly payload: unknown;
}
